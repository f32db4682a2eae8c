"""`synth expand` through the real langchain-openai client and a loopback teacher that misbehaves on cue."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from synth.jsonl import read_jsonl
from synth.runner import RunOptions, StageError, manifest_path, rejects_path, run_stage
from synth.stages.expand import Expand
from tests.support.openai_server import Delay, Fault
from tests.support.teacher_script import TeacherScript, serve_teacher
from tests.synth.helpers import (
    assert_sites_in_turn,
    good_pairs,
    noting_calls,
    plan_text,
    sites_shown,
    teacher,
    write_seeds,
)

RULE = "task-and-plan pairs"


async def run(stage, out: Path, workers: int = 1):
    return await run_stage(stage, RunOptions(out=out, workers=workers, progress=False))


async def test_bad_replies_are_corrected_retried_or_rejected_with_reasons(tmp_path: Path) -> None:
    seeds = write_seeds(tmp_path)
    leaky = json.dumps([{"seed": 1, "intent": "Using example 2, find the orders", "plan": plan_text("a", "b")},
                        {"seed": 9, "intent": "Find the open orders", "plan": plan_text("a", "b")},
                        {"seed": 1, "intent": "Find the closed orders", "plan": "just do it"},
                        {"seed": 2, "intent": "Find the refunded orders", "plan": plan_text("Open 'Orders'", "Stop")}])
    script = TeacherScript().when(RULE, "Here you go: [{'seed': 1,", Fault(429, headers={"retry-after-ms": "1"}),
                                  Fault(500), leaky, good_pairs)
    calls: list[str] = []
    with serve_teacher(noting_calls(script, RULE, calls)) as (url, log):
        summary = await run(Expand(teacher(url, tmp_path), [seeds], n=12), tmp_path / "pairs.jsonl")
    records = list(read_jsonl(tmp_path / "pairs.jsonl"))
    rejects = list(read_jsonl(rejects_path(tmp_path / "pairs.jsonl")))
    assert summary.complete and len(records) == 12
    reasons = sorted(r["reason"] for r in rejects)
    assert reasons == ["bad_plan", "bad_seed", "leak"]
    assert any("refunded" in r["intent"] for r in records)  # the good pair of the partly bad reply is kept
    # malformed JSON went back to the teacher with the reason (a correction round), 429/500 were retried
    assert log.faults == 2 and script.asked(RULE) == log.requests
    manifest = json.loads(manifest_path(tmp_path / "pairs.jsonl").read_text())
    assert manifest["teacher_calls"]["retries"] == 2
    assert manifest["rejects_by_reason"] == {"bad_plan": 1, "bad_seed": 1, "leak": 1}
    # Sites in turn: reddit's call kept the one good pair of the partly bad reply, shopping's call all 10, and
    # the top-up call for the missing pair went to reddit, the next site in turn.
    assert [sorted(set(sites_shown(call))) for call in calls] == [["reddit"], ["shopping"], ["reddit"]]
    assert manifest["counts"]["by_site"] == {"reddit": 2, "shopping": 10}
    assert manifest["prompt_versions"]["expand"] and manifest["teacher"].startswith("openai:teacher-model")
    for record in records:  # every pair points at the real first page of one of its seeds
        assert record["seed"] in record["seeds"] and record["page_id"]
    pages = {r["id"] for r in read_jsonl(tmp_path / "pairs.pages.jsonl")}
    assert {r["page_id"] for r in records} <= pages


async def test_by_default_each_call_shows_five_seeds_of_one_site_and_asks_for_ten_sites_in_turn(
        tmp_path: Path) -> None:
    sites = ("gitlab", "reddit", "shopping")
    seeds = write_seeds(tmp_path, count_per_site=6, sites=sites)
    calls: list[str] = []
    with serve_teacher(noting_calls(TeacherScript().when(RULE, good_pairs), RULE, calls)) as (url, log):
        summary = await run(Expand(teacher(url, tmp_path), [seeds], n=60), tmp_path / "pairs.jsonl")
    assert summary.complete and log.requests == len(calls) == 6  # 60 pairs at 10 per call
    assert_sites_in_turn(calls, sites)
    manifest = json.loads(manifest_path(tmp_path / "pairs.jsonl").read_text())
    assert manifest["counts"]["by_site"] == {site: 20 for site in sites}


async def test_duplicates_of_seeds_and_of_each_other_are_dropped(tmp_path: Path) -> None:
    seeds = write_seeds(tmp_path)
    reply = json.dumps([{"seed": 1, "intent": "Show the newest shopping item 0", "plan": plan_text("a", "b")},
                        {"seed": 1, "intent": "List all canvas tote bags", "plan": plan_text("a", "b")},
                        {"seed": 1, "intent": "List all canvas tote bags!", "plan": plan_text("a", "b")},
                        {"seed": 1, "intent": "list ALL canvas tote-bags", "plan": plan_text("a", "b")},
                        {"seed": 1, "intent": "List all canvas tote bag", "plan": plan_text("a", "b")}])
    script = TeacherScript().when(RULE, reply)
    with serve_teacher(script) as (url, _log):
        summary = await run(Expand(teacher(url, tmp_path), [seeds], n=5, max_rounds=0), tmp_path / "pairs.jsonl")
    kept = [r["intent"] for r in read_jsonl(tmp_path / "pairs.jsonl")]
    assert kept == ["List all canvas tote bags"]
    rejects = list(read_jsonl(rejects_path(tmp_path / "pairs.jsonl")))
    assert [r["reason"] for r in rejects] == ["duplicate"] * 4
    assert "seed-shopping-0" in rejects[0]["detail"] and "exact" in rejects[1]["detail"] and "near" in rejects[3]["detail"]
    assert not summary.complete or summary.kept == 1  # it could not reach n with max_rounds=0, and says so
    manifest = json.loads(manifest_path(tmp_path / "pairs.jsonl").read_text())
    assert manifest["kept"] == 1


async def test_rerun_makes_no_calls_and_writes_the_same_files(tmp_path: Path) -> None:
    seeds = write_seeds(tmp_path)
    script = TeacherScript().when(RULE, good_pairs)
    out = tmp_path / "pairs.jsonl"
    with serve_teacher(script) as (url, log):
        await run(Expand(teacher(url, tmp_path), [seeds], n=40), out, workers=4)
        first = out.read_bytes(), rejects_path(out).read_bytes()
        calls = log.requests
        await run(Expand(teacher(url, tmp_path), [seeds], n=40), out, workers=2)
        assert log.requests == calls  # everything came from the journal
        assert (out.read_bytes(), rejects_path(out).read_bytes()) == first
        (tmp_path / "pairs.journal.jsonl").unlink()  # without the journal, the reply cache still answers
        await run(Expand(teacher(url, tmp_path), [seeds], n=40), out, workers=3)
        assert log.requests == calls
        assert out.read_bytes() == first[0]


async def test_call_budget_stops_cleanly_and_a_rerun_finishes(tmp_path: Path) -> None:
    seeds = write_seeds(tmp_path)
    script = TeacherScript().when(RULE, good_pairs)
    out = tmp_path / "pairs.jsonl"
    with serve_teacher(script) as (url, log):
        partial = await run(Expand(teacher(url, tmp_path, max_calls=2), [seeds], n=50), out)
        assert not partial.complete and "budget" in partial.stopped and log.requests == 2
        assert json.loads(manifest_path(out).read_text())["complete"] is False
        assert len(list(read_jsonl(out))) == 20
        done = await run(Expand(teacher(url, tmp_path), [seeds], n=50), out)
        assert done.complete and done.kept == 50 and log.requests == 5


async def test_refusals_are_corrected_then_rejected(tmp_path: Path) -> None:
    seeds = write_seeds(tmp_path)
    script = TeacherScript().when(RULE, "I'm sorry, but I can't help with that.")
    with serve_teacher(script) as (url, log):
        summary = await run(Expand(teacher(url, tmp_path), [seeds], n=10, rounds=2, max_rounds=0), tmp_path / "p.jsonl")
    assert summary.kept == 0 and log.requests == 3  # the question and two corrections
    rejects = list(read_jsonl(rejects_path(tmp_path / "p.jsonl")))
    assert [r["reason"] for r in rejects] == ["refused"]


async def test_bad_credentials_stop_the_stage_with_one_clear_error(tmp_path: Path) -> None:
    seeds = write_seeds(tmp_path)
    script = TeacherScript().when(RULE, Fault(401, "invalid api key"))
    with serve_teacher(script) as (url, log):
        with pytest.raises(StageError, match="invalid api key"):
            await run(Expand(teacher(url, tmp_path), [seeds], n=30), tmp_path / "p.jsonl", workers=3)
        assert log.requests <= 3


async def test_a_teacher_that_stays_down_loses_the_record_for_this_run_only(tmp_path: Path) -> None:
    seeds = write_seeds(tmp_path)
    script = TeacherScript().when(RULE, Fault(503), Fault(503), Delay(3.0, Fault(503)), Fault(503), good_pairs)
    out = tmp_path / "p.jsonl"
    with serve_teacher(script) as (url, log):
        slow = teacher(url, tmp_path)
        slow.retry = type(slow.retry)(attempts=4, base_seconds=0.01, cap_seconds=0.05, timeout_seconds=0.5)
        first = await run(Expand(slow, [seeds], n=10, max_rounds=0), out)
        assert first.kept == 0 and not first.complete and "transient" in first.stopped
        assert [r["reason"] for r in read_jsonl(rejects_path(out))] == ["teacher_unavailable"]
        second = await run(Expand(teacher(url, tmp_path), [seeds], n=10, max_rounds=0), out)
        assert second.kept == 10 and second.complete and list(read_jsonl(rejects_path(out))) == []
