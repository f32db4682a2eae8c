"""Model-string prefixes for the policies: `scripted:NAME`, `reference:PATH`, `oracle:TASK_ID`.

- `scripted:NAME` — a ScriptedChatModel registered in this process with `register_scripted` (tests).
- `reference:PATH` — a ReferencePolicy for the solution in a JSON file (a bare solution, or a task config that
  has a "reference_solution"); works in any process, e.g. `plan-and-act run ... --planner-model reference:x.json`.
- `oracle:NAME` — a reference policy registered with `register_oracle` under a name (the embedded
  environment's runner does this per episode, with the placeholders of the environment it started).
- `stop-at-once:` — gives up at once with an empty answer (the floor of any benchmark).
- `constant-answer:[TEXT]` — stops at once with TEXT (default: yes, no and every number up to 100).
- page dump — registered per episode like the oracle (`register_oracle(..., page_dump=True)`).
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from langchain_core.language_models import BaseChatModel

from graph.models import ModelConfigError, ModelRequest, register_provider
from policies.baselines import DEFAULT_CONSTANT, ConstantAnswer, PageDump, StopAtOnce
from policies.reference import ReferencePolicy
from webenv.tasks.solution import ReferenceSolution, SolutionError, parse_solution

_scripted: dict[str, BaseChatModel] = {}
_oracles: dict[str, ReferencePolicy] = {}


def register_scripted(name: str, model: BaseChatModel) -> str:
    """Make `scripted:<name>` resolve to this model instance; returns the model string."""
    _scripted[name] = model
    return f"scripted:{name}"


def register_oracle(name: str, solution: ReferenceSolution, placeholders: dict[str, str], *,
                    page_dump: bool = False) -> str:
    """Make `oracle:<name>` resolve to the reference policy of one task in one environment (episodes running
    side by side each register their own name) — or, with `page_dump`, to the page-dump baseline that follows
    the same navigation; returns the model string."""
    policy = PageDump if page_dump else ReferencePolicy
    _oracles[name] = policy(solution=solution, placeholders=dict(placeholders))
    return f"oracle:{name}"


def forget_oracle(name: str) -> None:
    _oracles.pop(name, None)


def _scripted_model(request: ModelRequest) -> BaseChatModel:
    if request.name not in _scripted:
        raise ModelConfigError(f"no scripted model named {request.name!r} is registered in this process")
    return _scripted[request.name]


@lru_cache(maxsize=64)
def _solution_file(path: str, mtime: float) -> ReferenceSolution:
    raw = json.loads(Path(path).read_text())
    if isinstance(raw, dict) and "reference_solution" in raw:
        return parse_solution(raw["reference_solution"], str(raw.get("task_id", path)))
    return parse_solution(raw, path)


def _reference_model(request: ModelRequest) -> BaseChatModel:
    path = Path(request.name)
    if not path.is_file():
        raise ModelConfigError(f"reference solution file not found: {request.name}")
    try:
        solution = _solution_file(str(path.resolve()), path.stat().st_mtime)
    except (json.JSONDecodeError, SolutionError) as exc:
        raise ModelConfigError(f"bad reference solution {request.name}: {exc}") from exc
    return ReferencePolicy(solution=solution)


def _oracle_model(request: ModelRequest) -> BaseChatModel:
    if request.name not in _oracles:
        raise ModelConfigError(f"no reference policy registered as {request.name!r}")
    return _oracles[request.name]


register_provider("scripted", _scripted_model)
register_provider("reference", _reference_model)
register_provider("oracle", _oracle_model)
register_provider("stop-at-once", lambda request: StopAtOnce())
register_provider("constant-answer", lambda request: ConstantAnswer(answer=request.name or DEFAULT_CONSTANT))
