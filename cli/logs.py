"""Logging for the command-line tools: `-v` shows what the agent's parts log at DEBUG (each model call's raw
output, corrections and retries, errors that were recovered from), `-vv` also the libraries underneath.

Everything written passes through `tools.secrets.redact` first, messages and tracebacks alike: a secret the agent
was given never reaches a terminal or a log file, whatever a module chose to log.
"""

from __future__ import annotations

import argparse
import logging
import sys

from tools import secrets

OUR_PACKAGES = ("graph", "nodes", "tools", "policies", "harness", "cli", "bench", "webenv", "synth", "train")


class RedactingFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return secrets.redact(super().format(record))


def add_verbose_flag(parser: argparse.ArgumentParser, *, subcommand: bool = False) -> None:
    """`-v/--verbose` (repeatable). On a subcommand it does not reset what was given before the subcommand."""
    parser.add_argument("-v", "--verbose", action="count", default=argparse.SUPPRESS if subcommand else 0,
                        help="log each model call's raw output, corrections and retries (-vv: libraries too)")


def configure_logging(verbose: int, stream=None) -> None:
    """Warnings only by default; -v: DEBUG for our packages; -vv: DEBUG everywhere."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s", "%H:%M:%S"))
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h.formatter, RedactingFormatter)]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(logging.DEBUG if verbose >= 2 else logging.WARNING)
    for package in OUR_PACKAGES:
        logging.getLogger(package).setLevel(logging.DEBUG if verbose >= 1 else logging.WARNING)
