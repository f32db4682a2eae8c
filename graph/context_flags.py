"""Command-line flags generated from the `Context` fields, so every setting is a flag on every command that runs
episodes (`plan-and-act run|demo|synth collect`, `plan-and-act-bench sweep|ablation|webarena|grid|prompt-cache`)
and a new setting needs no CLI code.

`--max-steps 40` for `max_steps`; booleans get `--cot` / `--no-cot`; lists take a comma-separated value or the
flag repeated; literal types become choices. A flag that is not given leaves the setting to the environment
(`PLAN_AND_ACT_<FIELD>`) and then to the declared default, exactly as in Python.
"""

from __future__ import annotations

import argparse
from dataclasses import fields
from typing import Any, Literal, get_args, get_origin

from graph.context import Context, ContextError, declared_default, env_name, parse_text, setting_type

SETTINGS_GROUP = "run settings (each also PLAN_AND_ACT_<NAME> in the environment)"


def flag_name(setting: str) -> str:
    return "--" + setting.replace("_", "-")


class _ListAction(argparse.Action):
    """Repeated flags and comma-separated values both add items."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: Any,
                 option_string: str | None = None) -> None:
        items = list(getattr(namespace, self.dest, None) or [])
        items.extend(item.strip() for item in str(values).split(",") if item.strip())
        setattr(namespace, self.dest, items)


def add_context_flags(parser: argparse.ArgumentParser, *, exclude: tuple[str, ...] = ()) -> None:
    """One flag per Context field (except `exclude`), in a group titled "run settings"."""
    group = parser.add_argument_group(SETTINGS_GROUP)
    for spec in fields(Context):
        if spec.name in exclude:
            continue
        kind = setting_type(spec)
        default = declared_default(spec)
        helptext = f"{spec.metadata.get('description', '')} [{env_name(spec.name)}; default: {default!r}]"
        helptext = helptext.replace("%", "%%")
        options: dict[str, Any] = {"dest": spec.name, "default": argparse.SUPPRESS, "help": helptext}
        if kind is bool:
            group.add_argument(flag_name(spec.name), action=argparse.BooleanOptionalAction, **options)
        elif get_origin(kind) is list:
            group.add_argument(flag_name(spec.name), action=_ListAction, metavar="A,B", **options)
        elif get_origin(kind) is Literal:
            group.add_argument(flag_name(spec.name), choices=get_args(kind), **options)
        else:
            def convert(text: str, spec: Any = spec) -> Any:
                try:
                    return parse_text(spec, text, flag_name(spec.name))
                except ContextError as exc:
                    raise argparse.ArgumentTypeError(str(exc)) from None

            convert.__name__ = getattr(kind, "__name__", "value")  # argparse names the type in its errors
            group.add_argument(flag_name(spec.name), type=convert, metavar=spec.name.split("_")[-1].upper(),
                               **options)


def given_settings(args: argparse.Namespace) -> dict[str, Any]:
    """The settings the command line gave explicitly (flags not given are absent)."""
    names = {spec.name for spec in fields(Context)}
    return {name: value for name, value in vars(args).items() if name in names}


def context_from_flags(args: argparse.Namespace, **overrides: Any) -> Context:
    """The run's Context: explicit flags, then `overrides` the command itself decides, then environment/defaults."""
    return Context(**{**given_settings(args), **overrides})
