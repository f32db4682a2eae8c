"""Model-string prefixes for the policies: `scripted:NAME`, `reference:PATH`, `oracle:TASK_ID`.

- `scripted:NAME` — a ScriptedChatModel registered in this process with `register_scripted` (tests).
- `reference:PATH` — a ReferencePolicy for the solution in a JSON file (a bare solution, or a task config that
  has a "reference_solution"); works in any process, e.g. `plan-and-act run ... --planner-model reference:x.json`.
- `oracle:TASK_ID` — the reference policy of a task in the suite registered with `register_oracle` (the
  embedded environment's runner does this, with the placeholders of the environment it started).
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from langchain_core.language_models import BaseChatModel

from graph.models import ModelConfigError, ModelRequest, register_provider
from policies.reference import ReferencePolicy
from webenv.tasks.solution import ReferenceSolution, SolutionError, parse_solution

_scripted: dict[str, BaseChatModel] = {}
_oracle_solutions: dict[str, ReferenceSolution] = {}
_oracle_placeholders: dict[str, str] = {}


def register_scripted(name: str, model: BaseChatModel) -> str:
    """Make `scripted:<name>` resolve to this model instance; returns the model string."""
    _scripted[name] = model
    return f"scripted:{name}"


def register_oracle(solutions: dict[str, ReferenceSolution], placeholders: dict[str, str]) -> None:
    """Make `oracle:<task_id>` resolve to the reference policy of that task, in this environment."""
    _oracle_solutions.clear()
    _oracle_solutions.update(solutions)
    _oracle_placeholders.clear()
    _oracle_placeholders.update(placeholders)


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
    if request.name not in _oracle_solutions:
        raise ModelConfigError(f"no reference solution registered for task {request.name!r}")
    return ReferencePolicy(solution=_oracle_solutions[request.name], placeholders=dict(_oracle_placeholders))


register_provider("scripted", _scripted_model)
register_provider("reference", _reference_model)
register_provider("oracle", _oracle_model)
