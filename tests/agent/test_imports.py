"""DESIGN's import directions, encoded: what may import what, and no import cycles anywhere.

    tools   -> nothing of ours above it (only tools)
    webenv  -> nothing of the agent (it is the world, not the agent)
    nodes   -> tools, graph.state / graph.context / graph.models (never the graph's builder or run loop)
    bench, synth (the data pipeline), train -> anything below; nothing imports them. The CLI reaches their
              commands through entry points (`plan_and_act.commands`), not imports.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

from tests.support.paths import REPO

pytestmark = pytest.mark.unit

OURS = ("graph", "nodes", "tools", "policies", "harness", "cli", "bench", "webenv", "synth", "train")
AGENT = ("graph", "nodes", "tools", "policies", "harness", "cli", "bench", "synth", "train")


def _modules() -> dict[str, Path]:
    found = {}
    for root in OURS:
        for path in (REPO / root).rglob("*.py"):
            parts = list(path.relative_to(REPO).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


MODULES = _modules()


def _imports() -> dict[str, set[str]]:
    """Module -> the modules of ours it imports (at any level: lazy imports inside functions count too)."""
    edges: dict[str, set[str]] = defaultdict(set)
    for module, path in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
            else:
                continue
            edges[module].update(n for n in names if n in MODULES and n != module)
    return edges


IMPORTS = _imports()


def _top(module: str) -> str:
    return module.split(".")[0]


def _violations(importer_root: str, allowed: tuple[str, ...]) -> list[str]:
    return sorted(f"{m} imports {t}" for m, targets in IMPORTS.items() if _top(m) == importer_root
                  for t in targets if _top(t) != importer_root and not t.startswith(allowed))


def test_tools_import_nothing_of_ours_above_them() -> None:
    assert _violations("tools", ()) == []


def test_webenv_imports_nothing_of_the_agent() -> None:
    assert [v for v in _violations("webenv", ()) if _top(v.split(" imports ")[1]) in AGENT] == []


def test_nodes_import_only_tools_and_the_graphs_plain_parts() -> None:
    assert _violations("nodes", ("tools", "graph.state", "graph.context", "graph.models")) == []


@pytest.mark.parametrize("package", ["bench", "synth", "train"])
def test_nothing_imports_the_runners_or_the_data_pipeline(package: str) -> None:
    importers = sorted(m for m, targets in IMPORTS.items() if _top(m) != package
                       for t in targets if _top(t) == package)
    assert importers == []


def test_no_import_cycles() -> None:
    state: dict[str, int] = {}
    path: list[str] = []
    cycles: list[str] = []

    def visit(module: str) -> None:
        state[module] = 1
        path.append(module)
        for target in sorted(IMPORTS[module]):
            if state.get(target) == 1:
                cycles.append(" -> ".join(path[path.index(target):] + [target]))
            elif target not in state:
                visit(target)
        path.pop()
        state[module] = 2

    for module in sorted(MODULES):
        if module not in state:
            visit(module)
    assert cycles == []
