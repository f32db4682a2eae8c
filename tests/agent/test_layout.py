"""The shape the design card asks for: the layout, one node a file, every prompt built in one module, and a
README diagram that is the compiled graph itself."""

from __future__ import annotations

import ast
import json
import re

import pytest

from graph.builder import graph
from tests.support.paths import REPO

pytestmark = pytest.mark.unit  # no browser, no server

NODES = {"observe": "nodes/observe.py", "planner": "nodes/planner.py", "executor": "nodes/executor.py",
         "replan": "nodes/replan.py", "approve": "nodes/approve.py"}


def test_top_level_layout() -> None:
    for name in ("pyproject.toml", "README.md", "langgraph.json", "graph", "nodes", "tools", "tests", ".ci/run"):
        assert (REPO / name).exists(), name
    config = json.loads((REPO / "langgraph.json").read_text())
    assert config["graphs"] == {"plan_and_act": "./graph/served.py:graph"}  # a factory serving builder.graph


def test_one_node_per_file() -> None:
    assert set(graph.nodes) - {"__start__"} == set(NODES)
    for node, path in NODES.items():
        tree = ast.parse((REPO / path).read_text())
        async_defs = [f.name for f in tree.body if isinstance(f, ast.AsyncFunctionDef) and not f.name.startswith("_")]
        assert async_defs == [node], (path, async_defs)
        assert graph.nodes[node].bound.afunc.__module__ == path[:-3].replace("/", ".")  # type: ignore[union-attr]


def test_model_messages_are_built_only_in_prompts() -> None:
    builders = re.compile(r"\b(SystemMessage|HumanMessage)\(")
    offenders = [str(path.relative_to(REPO)) for package in ("graph", "nodes", "tools", "cli", "harness")
                 for path in (REPO / package).rglob("*.py")
                 if builders.search(path.read_text()) and path.name != "prompts.py"]
    assert offenders == []


def test_readme_diagram_is_the_compiled_graph() -> None:
    readme = (REPO / "README.md").read_text()
    block = re.search(r"```mermaid\n(.*?)```", readme, re.S)
    assert block, "README has no mermaid diagram"
    assert block.group(1).strip() == graph.get_graph().draw_mermaid().strip()


def test_one_placeholder_substitution_function() -> None:
    """`__SHOPPING__` -> URL happens in one function (webenv.tasks.config.substitute) that everything calls."""
    definitions = [str(path.relative_to(REPO)) for package in ("graph", "nodes", "tools", "policies", "harness",
                                                                 "cli", "bench", "webenv")
                   for path in (REPO / package).rglob("*.py")
                   if re.search(r"^def (substitute|.*placeholders?)\(", path.read_text(), re.M)]
    assert definitions == ["webenv/tasks/config.py"]
