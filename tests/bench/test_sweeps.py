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
