"""Commands that live in packages the CLI must not import (the data pipeline, training), found by entry point.

DESIGN's import rule says nothing imports `synth`, `train` or `bench`; yet `plan-and-act synth ...` and
`plan-and-act train ...` are subcommands. Each such package declares an entry point in pyproject.toml,

    [project.entry-points."plan_and_act.commands"]
    synth = "synth.cli:register"

whose target takes the subparsers object and adds its commands. A package that is not installed (an extra left
out) simply contributes no commands.
"""

from __future__ import annotations

import argparse
from importlib.metadata import entry_points


def add_plugin_commands(commands: argparse._SubParsersAction, group: str) -> None:  # type: ignore[type-arg]
    for entry in sorted(entry_points(group=group), key=lambda e: e.name):
        try:
            register = entry.load()
        except ImportError:  # its optional dependencies are not installed
            continue
        register(commands)
