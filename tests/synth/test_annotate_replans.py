"""`synth annotate` and `synth replans`: grounded plans from trajectories, by a scripted teacher that first
gets the index groups wrong, and by the offline reference teacher."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from synth.grounding import GroundedPlan
from synth.jsonl import read_jsonl, write_jsonl
from synth.runner import RunOptions, rejects_path, run_stage
from synth.stages.annotate import Annotate
from synth.stages.replans import Replans
from synth.teacher import ReferenceTeacher
from tests.support.openai_server import Fault
from tests.support.teacher_script import TeacherScript, serve_teacher
from tests.synth.helpers import ACTIONS, first_user, grounded, teacher, trajectory


async def run(stage, out: Path):
    return await run_stage(stage, RunOptions(out=out, workers=2, progress=False))


def write_trajectories(tmp_path: Path, *records) -> Path:
    path = tmp_path / "traj.jsonl"
    write_jsonl(path, records)
    return path


async def test_annotate_sends_violations_back_then_keeps_the_corrected_plan(tmp_path: Path) -> None:
    source = write_trajectories(tmp_path, trajectory("a"), trajectory("failed", score=0.0),
                                trajectory("same-intent"))  # two successes with one intent stay two
    script = TeacherScript().when("Reverse-engineer the high-level plan",
                                  grounded([[0, 3], [1, 2]]), Fault(500), grounded([[0, 1], [2], [3]]))
    with serve_teacher(script) as (url, log):
        summary = await run(Annotate(teacher(url, tmp_path), [source]), tmp_path / "plans.jsonl")
    plans = list(read_jsonl(tmp_path / "plans.jsonl"))
    assert [p["trajectory"] for p in plans] == ["traj-a", "traj-same-intent"]
    assert summary.kept == 2 and [r["reason"] for r in read_jsonl(rejects_path(tmp_path / "plans.jsonl"))] == [
        "unsuccessful"]
    first = GroundedPlan.from_json(plans[0]["plan"])
    assert [s.actions for s in first.steps] == [(0, 1), (2,), (3,)]
    assert plans[0]["plan_text"].startswith("## Step 1\nReasoning:") and "Actions:" not in plans[0]["plan_text"]
    # the bad grouping went back with its reason, the 500 was retried: three requests per trajectory at most
    assert script.asked("Reverse-engineer the high-level plan") == log.requests and log.faults == 1


async def test_annotate_rejects_after_bounded_rounds_with_the_reason(tmp_path: Path) -> None:
    source = write_trajectories(tmp_path, trajectory("a"))
    script = TeacherScript().when("Reverse-engineer the high-level plan", grounded([[0, 1], [1, 2, 3]]),
                                  grounded([[0, 1], [2]]), "Here is the plan: step 1 search, step 2 open")
    with serve_teacher(script) as (url, log):
        summary = await run(Annotate(teacher(url, tmp_path), [source], rounds=2), tmp_path / "plans.jsonl")
    assert summary.kept == 0 and log.requests == 3
    [reject] = list(read_jsonl(rejects_path(tmp_path / "plans.jsonl")))
    assert reject["reason"] == "missing_markers" and reject["source"] == "traj-a"


@pytest.mark.unit
async def test_the_reference_teacher_grounds_reference_trajectories_offline(tmp_path: Path) -> None:
    other = trajectory("detour", actions=[("click", {"id": 1}), *ACTIONS])
    source = write_trajectories(tmp_path, trajectory("a"), other)
    summary = await run(Annotate(ReferenceTeacher(), [source]), tmp_path / "plans.jsonl")
    plans = list(read_jsonl(tmp_path / "plans.jsonl"))
    assert summary.kept == 1 and plans[0]["teacher"] == "reference"
    assert [s["actions"] for s in plans[0]["plan"]["steps"]] == [[0, 1], [2], [3]]
    assert plans[0]["plan"]["steps"][0]["instruction"] == "Search for 'tote'"
    [reject] = list(read_jsonl(rejects_path(tmp_path / "plans.jsonl")))
    assert reject["reason"] == "not_reference"


async def test_replans_chain_each_replan_into_the_next_and_ground_the_future(tmp_path: Path) -> None:
    source = write_trajectories(tmp_path, trajectory("a"))
    await run(Annotate(ReferenceTeacher(), [source]), tmp_path / "plans.jsonl")

    def reply(messages):
        first = int(first_user(messages).split("numbered ")[1].split(" to ")[0])
        if first == 2:  # the replan after action 1 is wrong once: it skips action 2
            corrected = "could not be used" in str(messages[-1].content)
            return grounded([[2], [3]]) if corrected else grounded([[3]], notes=("x",))
        return grounded([[i] for i in range(first, 4)], notes=(f"after {first - 1}",))

    script = TeacherScript().when("Write the agent's updated plan", reply)
    with serve_teacher(script) as (url, _log):
        await run(Replans(teacher(url, tmp_path), [source], [tmp_path / "plans.jsonl"]), tmp_path / "replans.jsonl")
    replans = list(read_jsonl(tmp_path / "replans.jsonl"))
    assert [r["t"] for r in replans] == [0, 1, 2]
    assert [[s["actions"] for s in r["plan"]["steps"]] for r in replans] == [[[1], [2], [3]], [[2], [3]], [[3]]]
    assert replans[1]["previous"] == replans[0]["plan"] and replans[2]["previous"] == replans[1]["plan"]
    assert replans[0]["previous"]["steps"][0]["actions"] == [0, 1]  # the annotated plan comes first
    assert list(read_jsonl(rejects_path(tmp_path / "replans.jsonl"))) == []


@pytest.mark.unit
async def test_reference_replans_match_what_the_reference_policy_writes(tmp_path: Path) -> None:
    source = write_trajectories(tmp_path, trajectory("a"))
    await run(Annotate(ReferenceTeacher(), [source]), tmp_path / "plans.jsonl")
    await run(Replans(ReferenceTeacher(), [source], [tmp_path / "plans.jsonl"]), tmp_path / "replans.jsonl")
    replans = list(read_jsonl(tmp_path / "replans.jsonl"))
    assert [r["plan"]["notes"] for r in replans] == [[], [], ["The canvas tote costs $12.00"]]
    assert [[s["actions"] for s in r["plan"]["steps"]] for r in replans] == [[[1], [2], [3]], [[2], [3]], [[3]]]
    manifest = json.loads((tmp_path / "replans.manifest.json").read_text())
    assert manifest["teacher"] == "reference" and manifest["kept"] == 3
