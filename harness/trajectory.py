"""What the trajectory viewer shows of one episode, taken from the two records a run already keeps: the final
state's plan versions and step records (`graph.state`), and the model calls the recorder saw (`graph.recorder`).

Nothing here is computed a second time: the plans are the state's `plans`, the actions its `history`, the tokens
the recorder's per-call usage. Prompts are left out (each repeats the page, which the step record keeps once);
the raw output of every call is kept, including the unusable ones that were corrected and retried.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from graph.context import Context
from graph.recorder import ModelCall
from graph.state import AgentState
from nodes.browser_access import observation_image_path, page_picture_record

ROLES = ("planner", "executor", "replanner")
_CALL_FIELDS = ("role", "node", "attempt", "step", "output", "usage", "error", "duration_ms")


def pictures(context: Context, episode_id: str, observations: int) -> list[str]:
    """The picture records of the episode's observations (index = actions taken before it), "" where none."""
    found = []
    for index in range(observations):
        image = observation_image_path(context, episode_id, index) if context.screenshots_dir and episode_id \
            else None
        record = page_picture_record(image) if image is not None else None
        found.append(str(record) if record is not None and record.exists() else "")
    return found


def trajectory(state: AgentState, calls: Sequence[ModelCall], context: Context) -> dict[str, Any]:
    """The viewer's input for one finished episode (plain data: it goes into results.jsonl)."""
    history = list(state.get("history", []))
    return {
        "episode_id": state.get("episode_id", ""),
        "mode": context.mode,
        "plans": list(state.get("plans", [])),
        "history": history,
        "invalid_outputs": state.get("invalid_outputs", 0),
        "calls": [{name: getattr(call, name) for name in _CALL_FIELDS} for call in calls],
        "models": {role: context.model_for(role)[0] for role in ROLES},  # type: ignore[arg-type]
        "pictures": pictures(context, state.get("episode_id", ""), len(history) + 1),
    }


def picture_of(record_path: str) -> tuple[Path, dict[str, Any]] | None:
    """A picture record read back: (the image file, the record)."""
    if not record_path or not Path(record_path).exists():
        return None
    record = json.loads(Path(record_path).read_text())
    return Path(record_path).with_name(record["image"]), record
