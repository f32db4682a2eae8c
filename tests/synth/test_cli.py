"""`plan-and-act synth <stage>`: the commands a person types, their summaries and their one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cli.main import main
from synth.jsonl import read_jsonl
from tests.support.teacher_script import TeacherScript, serve_teacher
from tests.synth.helpers import TEACHER, good_pairs, write_seeds


def test_expand_from_the_command_line(tmp_path: Path, capsys) -> None:
    seeds = write_seeds(tmp_path)
    with serve_teacher(TeacherScript().when("task-and-plan pairs", good_pairs)) as (url, log):
        code = main(["synth", "expand", "--in", str(seeds), "--out", str(tmp_path / "x.jsonl"), "--n", "25",
                     "--teacher", TEACHER, "--base-url", url, "--quiet", "--max-calls", "2"])
        err = capsys.readouterr().err
        assert code == 3 and "stopped early" in err and "run the same command again" in err and log.requests == 2
    assert len(list(read_jsonl(tmp_path / "x.jsonl"))) == 20
    assert json.loads((tmp_path / "x.manifest.json").read_text())["complete"] is False
    assert (tmp_path / ".teacher-cache").is_dir()  # replies cached beside the output by default


@pytest.mark.unit
@pytest.mark.parametrize(("argv", "message"), [
    (["synth", "expand", "--in", "{seeds}", "--out", "{out}"], "no teacher given"),
    (["synth", "expand", "--in", "{seeds}", "--out", "{out}", "--teacher", "reference"], "cannot write 'expand'"),
    (["synth", "expand", "--in", "{missing}", "--out", "{out}", "--teacher", TEACHER, "--base-url", "http://127.0.0.1:9"],
     "no usable seeds|not found"),
    (["synth", "expand", "--in", "{seeds}", "--out", "{out}", "--teacher", "nosuchprovider:model"], "teacher"),
    (["synth", "export", "--out", "{out}"], "nothing to export"),
    (["synth", "augment", "--in", "{seeds}", "--out", "{out}", "--teacher", TEACHER, "--classes", "{missing}"],
     "failure classes file not found"),
])
def test_mistakes_a_user_can_fix_are_one_line_errors(tmp_path: Path, capsys, argv, message, monkeypatch) -> None:
    import re

    monkeypatch.delenv("PLAN_AND_ACT_TEACHER", raising=False)
    seeds = write_seeds(tmp_path)
    values = {"seeds": str(seeds), "out": str(tmp_path / "o.jsonl"), "missing": str(tmp_path / "missing.jsonl")}
    code = main([part.format(**values) for part in argv] + ["--quiet"])
    err = capsys.readouterr().err
    assert code == 2 and re.search(message, err), err
    assert "Traceback" not in err


@pytest.mark.unit
def test_every_stage_has_a_command() -> None:
    from cli.main import build_parser

    parser = build_parser()
    for stage in ("collect", "queries", "annotate", "replans", "expand", "failures", "augment", "cot", "export",
                  "demo"):
        with pytest.raises(SystemExit) as done:
            parser.parse_args(["synth", stage, "--help"])
        assert done.value.code == 0
