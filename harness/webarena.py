"""Run published WebArena configs against sites the user points at (real WebArena, or anything serving them).

The configs load unchanged (`webenv.tasks.config`); placeholders map to the user's URLs; a task that requires a
login starts from the storage state its config names, looked up in the user's auth directory (WebArena's own
`.auth/*.json` files). There are no reference solutions here, so the policy is a real model — or the give-up
baseline, to check the plumbing.
"""

from __future__ import annotations

from pathlib import Path

from harness.episode import EpisodeSetup, PolicyChoice
from webenv.tasks.config import TaskConfig, TaskConfigError


class WebArenaSetupError(ValueError):
    """A task that cannot be set up as asked (no URL for one of its sites, an oracle without solutions)."""


def storage_state_for(config: TaskConfig, auth_dir: Path | None) -> str:
    if not config.require_login or not config.storage_state or auth_dir is None:
        return ""
    candidate = auth_dir / Path(config.storage_state).name
    return str(candidate) if candidate.is_file() else ""


def webarena_setup(config: TaskConfig, placeholders: dict[str, str], policy: PolicyChoice,
                   auth_dir: Path | None = None) -> EpisodeSetup:
    if policy.kind == "oracle":
        raise WebArenaSetupError("published WebArena configs have no reference solutions: pass --model "
                                 "(or --policy stop-at-once to check the set-up)")
    try:
        config.resolve(placeholders)  # every placeholder the task uses must have a URL
    except TaskConfigError as exc:
        raise WebArenaSetupError(str(exc)) from exc
    return EpisodeSetup(config=config, placeholders=dict(placeholders),
                        storage_state=storage_state_for(config, auth_dir), model_settings=policy.model_settings(),
                        policy_label=policy.label)
