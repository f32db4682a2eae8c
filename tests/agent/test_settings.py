"""One settings surface: every Context field is a flag on every command that runs episodes, an environment
variable, and a checked value; explicit beats environment beats default."""

from __future__ import annotations

import typing
from dataclasses import fields
from typing import Any, Literal, get_args, get_origin

import pytest
from langchain_core.callbacks import AsyncCallbackHandler
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.types import Command

from bench.cli import build_parser as bench_parser
from cli.main import build_parser as cli_parser
from graph.context import Context, ContextError, declared_default, env_name
from graph.context_flags import context_from_flags, flag_name
from graph.runs import stream_run, task_input

FIELDS = list(fields(Context))
LIST_EXAMPLES = {"read_tools": ["extract_text", "extract_hyperlinks"], "subresource_domains": ["cdn.example.com"],
                 "secret_domains": ["PASSWORD=127.0.0.1", "PASSWORD=shop.example.com"]}
HINTS = typing.get_type_hints(Context)


def other_value(name: str) -> tuple[Any, str]:
    """A value different from the default, and how it is written on a command line or in the environment."""
    kind, default = HINTS[name], declared_default(next(f for f in FIELDS if f.name == name))
    if kind is bool:
        return (not default), ("false" if default else "true")
    if kind is int:
        return default + 7, str(default + 7)
    if kind is float:
        return default + 0.5, str(default + 0.5)
    if get_origin(kind) is Literal:
        choice = next(c for c in get_args(kind) if c != default)
        return choice, choice
    if get_origin(kind) is list:
        example = LIST_EXAMPLES[name]  # a new list setting needs an example here
        return example, ",".join(example)
    return f"x-{name}", f"x-{name}"


def flag_args(name: str) -> list[str]:
    value, text = other_value(name)
    if HINTS[name] is bool:
        return [flag_name(name) if value else "--no-" + flag_name(name)[2:]]
    return [flag_name(name), text]


COMMANDS = {
    "plan-and-act run": (cli_parser, ["run", "intent", "--start-url", "http://127.0.0.1:1/"]),
    "plan-and-act demo": (cli_parser, ["demo"]),
    "plan-and-act-bench sweep": (bench_parser, ["sweep"]),
    "plan-and-act-bench ablation": (bench_parser, ["ablation"]),
    "plan-and-act-bench webarena": (bench_parser, ["webarena", "configs.json"]),
}
DEMO_EXCLUDED = {"planner_model", "executor_model", "replanner_model"}  # the demo's --model sets all roles


@pytest.mark.unit
@pytest.mark.parametrize(("command", "name"), [(c, f.name) for c in COMMANDS for f in FIELDS
                                               if not (c == "plan-and-act demo" and f.name in DEMO_EXCLUDED)])
def test_every_setting_is_a_flag_on_every_command_that_runs_episodes(command: str, name: str) -> None:
    parser, prefix = COMMANDS[command]
    args = parser().parse_args([*prefix, *flag_args(name)])
    assert getattr(context_from_flags(args), name) == other_value(name)[0]


@pytest.mark.unit
def test_help_comes_from_the_field_descriptions() -> None:
    text = cli_parser()._subparsers._group_actions[0].choices["run"].format_help()  # type: ignore[union-attr]
    for spec in FIELDS:
        assert flag_name(spec.name) in text and env_name(spec.name) in text


@pytest.mark.unit
@pytest.mark.parametrize("name", [f.name for f in FIELDS])
def test_every_setting_reads_its_environment_variable(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    value, text = other_value(name)
    monkeypatch.setenv(env_name(name), text)
    assert getattr(Context(), name) == value
    explicit = declared_default(next(f for f in FIELDS if f.name == name))
    assert getattr(Context(**{name: explicit}), name) == explicit  # explicit beats the environment


@pytest.mark.unit
def test_bad_names_and_values_are_clear_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ContextError, match="unknown setting 'max_stpes'"):
        Context(max_stpes=3)
    with pytest.raises(ContextError, match="mode must be one of react, plan, plan_and_act"):
        Context(mode="fast")
    with pytest.raises(ContextError, match="max_steps must be int"):
        Context(max_steps="many")
    monkeypatch.setenv("PLAN_AND_ACT_HEADLESS", "sometimes")
    with pytest.raises(ContextError, match="PLAN_AND_ACT_HEADLESS: expected true or false"):
        Context()
    with pytest.raises(SystemExit):
        cli_parser().parse_args(["run", "x", "--start-url", "http://a/", "--max-steps", "lots"])


class _SettingsSeen(AsyncCallbackHandler):
    """Captures the settings the run loop put in the root run's metadata (what LangSmith shows too)."""

    def __init__(self) -> None:
        self.settings: dict[str, Any] | None = None

    async def on_chain_start(self, serialized: Any, inputs: Any, *, metadata: dict[str, Any] | None = None,
                             **kwargs: Any) -> None:
        if self.settings is None and metadata and "plan_and_act_settings" in metadata:
            self.settings = metadata["plan_and_act_settings"]


async def test_every_environment_variable_reaches_a_run(monkeypatch: pytest.MonkeyPatch, outfitters) -> None:
    url, _shop = outfitters
    expected = {}
    for spec in FIELDS:
        value, text = other_value(spec.name)
        monkeypatch.setenv(env_name(spec.name), text)
        expected[spec.name] = value
    # The run must still be able to end: the give-up policy in every role, a real headless browser.
    for name in ("planner_model", "executor_model", "replanner_model"):
        monkeypatch.setenv(env_name(name), "stop-at-once:")
        expected[name] = "stop-at-once:"
    seen = _SettingsSeen()
    saver = InMemorySaver()  # approve_plan (set from its variable too) pauses the run for a person's answer
    run = await stream_run(task_input("Give up.", url), Context(), callbacks=[seen], checkpointer=saver,
                           thread_id="every-variable")
    assert seen.settings == expected
    if run.interrupt is not None:
        run = await stream_run(Command(resume="approve"), Context(), checkpointer=saver, thread_id="every-variable")
    assert run.state["status"] in ("done", "failed") and run.state["stop_reason"]
