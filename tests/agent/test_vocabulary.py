"""The action set is defined once (`tools.vocabulary`); everything that speaks actions agrees with it."""

from __future__ import annotations

import dataclasses

import pytest

from nodes.action_text import parse_action_text
from tools.actions import ACTION_TOOLS
from tools.vocabulary import ACTIONS, ACTIONS_BY_NAME, MAX_ELEMENT_ID
from webenv.tasks import solution as webenv_solution

pytestmark = pytest.mark.unit


def test_tools_are_the_vocabulary() -> None:
    assert [tool.name for tool in ACTION_TOOLS] == [spec.name for spec in ACTIONS]
    for tool, spec in zip(ACTION_TOOLS, ACTIONS):
        schema = tool.tool_call_schema.model_json_schema()  # type: ignore[union-attr]
        assert tool.description == spec.description
        assert list(schema.get("properties", {})) == list(spec.arg_names), spec.name  # the session stays hidden
        assert sorted(schema.get("required", [])) == sorted(a.name for a in spec.args if a.required)
        for arg in spec.args:
            assert schema["properties"][arg.name]["description"] == arg.description


def test_webenv_copy_of_the_action_names_equals_the_agents() -> None:
    """`webenv` must not import the agent, so it keeps its own list; this is what keeps the two equal."""
    assert webenv_solution.ACTION_NAMES == tuple(spec.name for spec in ACTIONS)
    fields = {f.name for f in dataclasses.fields(webenv_solution.RefAction)}
    for spec in ACTIONS:
        for arg in spec.args:
            if arg.name != "id":  # the id is the solution's semantic target, resolved on the live page
                assert arg.name in fields, (spec.name, arg.name)
    targeted = {spec.name for spec in ACTIONS if "id" in spec.arg_names}
    assert webenv_solution.TARGETED_ACTIONS == targeted


@pytest.mark.parametrize("spec", ACTIONS, ids=lambda s: s.name)
def test_text_form_of_every_action_parses_back(spec) -> None:
    samples = {int: "7", str: "down" if spec.name == "scroll" else "hello world", bool: "0"}
    text = spec.name + "".join(f" [{samples[a.type]}]" for a in spec.args)
    parsed = parse_action_text(text)
    assert parsed is not None and parsed["name"] == spec.name
    assert set(parsed["args"]) == set(spec.arg_names)


def test_ids_outside_the_valid_range_fail_validation() -> None:
    from tools.actions import validate_call

    assert validate_call("click", {"id": 12}) is None
    assert "bad arguments" in (validate_call("click", {"id": 10**30}) or "")
    assert "bad arguments" in (validate_call("click", {"id": -1}) or "")
    assert ACTIONS_BY_NAME["click"].arg("id").maximum == MAX_ELEMENT_ID
