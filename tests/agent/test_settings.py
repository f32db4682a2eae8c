"""One settings surface: every Context field is a flag on every command that runs episodes, an environment
variable, and a checked value; explicit beats environment beats default."""

from __future__ import annotations

import argparse
import typing
from collections.abc import Iterator
from dataclasses import fields
from typing import Any, Literal, get_args, get_origin

import pytest
from langchain_core.callbacks import AsyncCallbackHandler
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.types import Command

from bench.cli import build_parser as bench_parser
from cli.main import build_parser as cli_parser
from graph.context import Context, ContextError, declared_default, env_name
from graph.context_flags import SETTINGS_GROUP, context_from_flags, flag_name
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


def leaf_commands(parser: argparse.ArgumentParser, path: str) -> Iterator[tuple[str, argparse.ArgumentParser]]:
    """Every runnable command under `parser` (subcommands of subcommands too), by its full name."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from leaf_commands(sub, f"{path} {name}")
            return
    yield path, parser


def has_settings_flags(parser: argparse.ArgumentParser) -> bool:
    return any(group.title == SETTINGS_GROUP for group in parser._action_groups)


# Every command of both programs (plugins included) is here or carries the generated flags: a new command that
# runs episodes without them fails `test_every_command_either_takes_the_settings_or_says_why_not`.
WITHOUT_SETTINGS = {
    "plan-and-act resume": "continues a run with the settings recorded when it started",
    "plan-and-act threads": "lists recorded runs",
    **{f"plan-and-act synth {stage}": "a teacher stage over JSONL: runs no episode"
       for stage in ("annotate", "replans", "expand", "queries", "failures", "augment", "cot", "export")},
    "plan-and-act synth demo": "the fixed offline proof (reference policy and teacher, plan_and_act); settings for "
                               "real collections go to `synth collect`",
    "plan-and-act train": "fine-tunes a model: runs no episode",
    "plan-and-act serve-model": "serves a model: runs no episode",
    # The framework's own measurements: fixed built-in policies at the default settings, so the published numbers
    # stay comparable from run to run (the PLAN_AND_ACT_<NAME> variables still reach them through Context()).
    "plan-and-act-bench perf": "measures observation latency and oracle steps at the default settings",
    "plan-and-act-bench overhead": "measures the framework's layers against a bare Playwright loop",
    "plan-and-act-bench parallel": "measures one-at-a-time against all-at-once with a scripted slow model",
    "plan-and-act-bench checkpoints": "measures checkpoint growth of oracle episodes",
    "plan-and-act-bench observation": "measures the observation against Playwright's aria snapshot: no episode",
    "plan-and-act-bench serve": "serves the embedded sites: runs no episode",
    "plan-and-act-bench export": "writes the suite as WebArena configs: runs no episode",
}
# Settings a command sets itself from its own flags, so it does not offer them (each reason is the command's).
ROLE_MODELS = {"planner_model", "executor_model", "replanner_model"}
EXCLUDED = {
    "plan-and-act demo": ROLE_MODELS,  # its --model sets every role
    "plan-and-act-bench grid": ROLE_MODELS | {"base_url", "planner_base_url", "executor_base_url",
                                              "replanner_base_url"},  # --planner/--executor name models and URLs
    "plan-and-act-bench prompt-cache": {"mode"},  # its --mode (repeatable) picks the modes to measure
}
REQUIRED = {  # the least each command needs to parse
    "plan-and-act run": ["intent", "--start-url", "http://127.0.0.1:1/"],
    "plan-and-act-bench webarena": ["configs.json"],
    "plan-and-act-bench grid": ["--planner", "p=scripted:p", "--executor", "e=scripted:e"],
    "plan-and-act synth collect": ["--out", "trajectories.jsonl"],
}
PROGRAMS = {"plan-and-act": cli_parser(), "plan-and-act-bench": bench_parser()}
ALL_COMMANDS = {name: parser for program, root in PROGRAMS.items() for name, parser in leaf_commands(root, program)}
COMMANDS = sorted(name for name, parser in ALL_COMMANDS.items() if has_settings_flags(parser))


@pytest.mark.unit
def test_every_command_either_takes_the_settings_or_says_why_not() -> None:
    """The list of commands below is derived from the parsers, so a new episode command cannot be forgotten."""
    silent = sorted(name for name in ALL_COMMANDS if name not in COMMANDS and name not in WITHOUT_SETTINGS)
    assert silent == [], f"give these the generated flags (add_context_flags) or say why not: {silent}"
    assert not set(WITHOUT_SETTINGS) & set(COMMANDS)  # an exemption left behind after the flags came
    assert set(WITHOUT_SETTINGS) <= set(ALL_COMMANDS)  # nor one for a command that is gone
    for command in ("plan-and-act run", "plan-and-act demo", "plan-and-act synth collect", "plan-and-act-bench sweep",
                    "plan-and-act-bench ablation", "plan-and-act-bench webarena", "plan-and-act-bench grid",
                    "plan-and-act-bench prompt-cache"):  # the episode commands known today (plugins loaded)
        assert command in COMMANDS


@pytest.mark.unit
@pytest.mark.parametrize(("command", "name"), [(c, f.name) for c in COMMANDS for f in FIELDS
                                               if f.name not in EXCLUDED.get(c, set())])
def test_every_setting_is_a_flag_on_every_command_that_runs_episodes(command: str, name: str) -> None:
    program, *words = command.split()  # parsed by the whole program, as a shell would run it
    args = PROGRAMS[program].parse_args([*words, *REQUIRED.get(command, []), *flag_args(name)])
    # A command sets its excluded settings itself (prompt-cache: `mode`, once per mode its own --mode names).
    itself = {n: declared_default(next(f for f in FIELDS if f.name == n)) for n in EXCLUDED.get(command, set())}
    assert getattr(context_from_flags(args, **itself), name) == other_value(name)[0]


@pytest.mark.unit
@pytest.mark.parametrize("command", sorted(EXCLUDED))
def test_commands_leave_out_only_the_settings_they_set_themselves(command: str) -> None:
    parser = ALL_COMMANDS[command]
    offered = {action.dest for group in parser._action_groups if group.title == SETTINGS_GROUP
               for action in group._group_actions}
    assert {f.name for f in FIELDS} - offered == EXCLUDED[command]


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
