"""`plan-and-act train` as a user runs it, on inputs it must refuse before any training starts."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.support.model_server import PLAN_AND_ACT
from tests.support.tiny_model import build_tiny_model
from tests.train.test_export_and_chat import _planner_row, write_export

pytestmark = pytest.mark.slow


def test_a_base_model_without_a_chat_template_is_one_clear_line_from_the_command(tmp_path: Path) -> None:
    """Issue 9: a base model with no chat template is refused through the real command, not only by the
    function: exit status 2, one line on stderr that names the model and the fix, no traceback, nothing trained.
    The tiny model (with its tokenizer, but no template) is built from a config; no step of training runs."""
    export = write_export(tmp_path / "export", {"planner.trl.train.jsonl": ("planner", [_planner_row()])})
    base = build_tiny_model(export, tmp_path / "no-template", vocab_size=400, with_chat_template=False)
    data, out = export / "planner.trl.train.jsonl", tmp_path / "out"
    done = subprocess.run([PLAN_AND_ACT, "train", "--role", "planner", "--data", str(data), "--base-model", str(base),
                           "--out", str(out), "--no-progress"], capture_output=True, text=True, timeout=300)
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert done.returncode == 2, done.stderr[-3000:]
    assert len(lines) == 1, done.stderr[-3000:]
    assert f"{base} has no chat template" in lines[0] and "--chat-template" in lines[0]
    assert "Traceback" not in done.stderr and done.stdout == ""
    assert not list(out.glob("checkpoint-*"))
