"""What CI runs of the benchmark: a sample covering every site group and every eval type, through the real
graph and browser, scored by the real evaluators. The oracle must solve all of it and the give-up baseline none."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.cli import main as bench_main
from bench.report import write_report
from bench.results import summary_table
from bench.selection import coverage_sample, parse_ids, select
from bench.sweep import sweep
from graph.context import Context
from harness.episode import PolicyChoice
from webenv.judges import OfflineJudge
from webenv.tasks.suite import load_suite

SAMPLE = coverage_sample(load_suite())


def test_the_sample_covers_every_site_group_and_eval_type() -> None:
    suite = load_suite()
    assert {t.group for t in SAMPLE} == {t.group for t in suite}
    assert {tuple(t.config.eval.eval_types) for t in SAMPLE} == {tuple(t.config.eval.eval_types) for t in suite}
    assert any(t.solution.answer.startswith("N/A") for t in SAMPLE)
    assert len(SAMPLE) <= 40


async def test_oracle_solves_every_sampled_task(tmp_path: Path) -> None:
    results = await sweep(SAMPLE, PolicyChoice("oracle"), Context(screenshots_dir=str(tmp_path / "shots")),
                          workers=2, judge=OfflineJudge(), show_progress=False)
    failed = [(r.task_id, r.status, r.error or r.stop_reason, r.checks) for r in results if not r.passed]
    assert failed == []
    assert all(r.status == "done" for r in results)
    report = write_report(results, tmp_path / "report.html", "oracle sample")
    html = report.read_text()
    assert html.count("<details>") == len(SAMPLE) and "<img" in html and "PASS" in html
    assert "| all | %d | %d | 100.0 |" % (len(SAMPLE), len(SAMPLE)) in summary_table(results)


async def test_giving_up_at_once_solves_nothing() -> None:
    results = await sweep(SAMPLE, PolicyChoice("stop-at-once"), Context(), workers=2, judge=OfflineJudge(),
                          show_progress=False)
    assert [r.task_id for r in results if r.score > 0] == []
    assert all(r.status == "done" and r.steps == 1 for r in results)


def test_task_selection() -> None:
    assert parse_ids("0-3, 7,9-9") == {0, 1, 2, 3, 7, 9}
    assert [t.task_id for t in select(load_suite(), ids="5-7")] == [5, 6, 7]
    assert {t.group for t in select(load_suite(), groups=["map"])} == {"map"}


def test_export_writes_webarena_configs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "suite.json"
    assert bench_main(["export", str(out)]) == 0
    exported = json.loads(out.read_text())
    assert len(exported) == len(load_suite()) and exported[0]["task_id"] == 0
    assert {"sites", "start_url", "intent", "eval", "reference_solution"} <= set(exported[0])


def test_published_webarena_configs_run_unchanged_against_sites_the_user_names(tmp_path: Path) -> None:
    """The plumbing for real WebArena: Lite configs, placeholders pointed at running sites (here the embedded
    ones stand in), the give-up baseline as the policy, results and report written."""
    from tests.support.paths import WEBARENA_LITE_CONFIGS
    from webenv.server import start_environment

    env = start_environment(["shopping", "shopping_admin"])
    try:
        sites = [f"--site={placeholder}={url}" for placeholder, url in env.placeholders.items()]
        code = bench_main(["webarena", str(WEBARENA_LITE_CONFIGS), *sites, "--policy", "stop-at-once",
                           "--tasks", "0,2", "--out", str(tmp_path / "run")])
    finally:
        env.stop()
    assert code == 0
    rows = [json.loads(line) for line in (tmp_path / "run/results-plan_and_act.jsonl").read_text().splitlines()]
    assert [(r["task_id"], r["group"], r["status"], r["score"]) for r in rows] == [
        (0, "shopping_admin", "done", 0.0), (2, "shopping_admin", "done", 0.0)]
    assert "Impulse Duffle" in " ".join(rows[0]["checks"])  # the published reference answer was checked
    missing = bench_main(["webarena", str(WEBARENA_LITE_CONFIGS), "--site", "__SHOPPING__=http://127.0.0.1:1",
                          "--policy", "stop-at-once", "--tasks", "0"])
    assert missing == 2


async def test_the_floor_baselines_solve_nothing() -> None:
    """A constant answer naming yes, no and every number to 100, and the text of every page the reference
    navigation shows, both score 0 on the sample (they scored 8 % and 92 % of answer tasks under substring rules)."""
    answer_tasks = [t for t in SAMPLE if "string_match" in t.config.eval.eval_types]  # elsewhere both give up
    for kind in ("constant-answer", "page-dump"):
        results = await sweep(answer_tasks, PolicyChoice(kind), Context(), workers=2, judge=OfflineJudge(),
                              show_progress=False)
        assert [r.task_id for r in results if r.score > 0] == [], kind
        answered = [r for r in results if "string_match" in r.eval_types and not r.answer.startswith("N/A")]
        assert answered and all(r.answer for r in answered), kind  # they did answer, and were judged wrong


def test_a_group_missing_from_the_order_is_listed_not_dropped() -> None:
    from bench.results import ordered_groups, template_table
    from harness.episode import EpisodeResult

    def result(task_id: int, group: str, score: float) -> EpisodeResult:
        return EpisodeResult(task_id=task_id, group=group, sites=[group], eval_types=["string_match"], intent="q",
                             policy="p", mode="plan_and_act", status="done", stop_reason="", answer="", score=score,
                             checks=[], steps=1, seconds=0.1)

    results = [result(1, "map", 1.0), result(2, "wikipedia", 0.0), result(3, "aardvark", 1.0)]
    assert ordered_groups({"wikipedia", "map", "aardvark"}) == ["map", "aardvark", "wikipedia"]
    table = summary_table(results)
    assert "| wikipedia | 1 | 0 |" in table and "| aardvark | 1 | 1 |" in table
    assert "| 5000 | 2 | 1 | 50 |" in template_table(results, {1: 5000, 2: 5000, 3: 9000})


def test_export_of_the_training_pool(tmp_path: Path) -> None:
    out = tmp_path / "train.json"
    assert bench_main(["export", str(out), "--split", "train"]) == 0
    exported = json.loads(out.read_text())
    assert len(exported) == len(load_suite("train")) and all(c["split"] == "train" for c in exported)
    assert not {c["intent"] for c in exported} & {t.config.intent for t in load_suite()}


def test_a_model_sweep_without_a_judge_warns_once(capsys: pytest.CaptureFixture[str]) -> None:
    from bench import cli

    cli._warned_offline_judge = False
    args = cli.build_parser().parse_args(["sweep", "--model", "openai:gpt-4o-mini"])
    assert isinstance(cli._judge(args), OfflineJudge) and isinstance(cli._judge(args), OfflineJudge)
    assert capsys.readouterr().err.count("warning: no --judge-model") == 1
    cli._judge(cli.build_parser().parse_args(["sweep", "--policy", "oracle"]))
    assert "warning" not in capsys.readouterr().err
