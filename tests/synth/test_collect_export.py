"""End to end on the real graph, browser and sites: collect -> annotate -> replans -> export, and the exported
messages are byte for byte what the runtime sent (as the recorder captured it)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from graph.context import Context
from harness.episode import PolicyChoice
from synth import sources
from synth.demo import demo_slice
from synth.jsonl import canonical, read_jsonl, write_jsonl
from synth.runner import RunOptions, journal_path, run_stage
from synth.stages.annotate import Annotate
from synth.stages.collect import Collect
from synth.stages.export import ExportInputs, export
from synth.stages.replans import Replans
from synth.teacher import ReferenceTeacher
from tests.support.paths import REPO

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
async def collected(tmp_path_factory):
    import policies.providers  # noqa: F401

    base = tmp_path_factory.mktemp("collect")
    task_ids = demo_slice(2)
    stage = Collect(None, policy=PolicyChoice("oracle"), settings=Context(mode="plan_and_act"), task_ids=task_ids,
                    calls_dir=base / "calls")
    summary = await run_stage(stage, RunOptions(out=base / "traj.jsonl", workers=2, progress=False))
    return base, task_ids, summary


def recorded_calls(base: Path, thread_id: str) -> list[dict]:
    return [c for c in read_jsonl(base / "calls" / f"{thread_id}.jsonl") if c["attempt"] == 0 and not c["error"]]


async def test_collect_writes_scored_verified_trajectories_and_resumes(collected) -> None:
    base, task_ids, summary = collected
    trajectories = list(read_jsonl(base / "traj.jsonl"))
    assert summary.complete and len(trajectories) == len(task_ids) == 2
    for trajectory in trajectories:
        assert trajectory["outcome"] == {**trajectory["outcome"], "score": 1.0, "source": "evaluator"}
        assert trajectory["split"] == sources.TRAIN and trajectory["task"]["reference_solution"]
        steps = trajectory["state"]["history"]
        assert steps and all(step["page"]["text"] for step in steps)  # the page each action was chosen on
        assert trajectory["model_calls"]["executor"] == len(steps)
    before = (base / "traj.jsonl").read_bytes()
    again = await run_stage(Collect(None, policy=PolicyChoice("oracle"), settings=Context(mode="plan_and_act"),
                                    task_ids=task_ids), RunOptions(out=base / "traj.jsonl", progress=False))
    assert again.kept == 2 and (base / "traj.jsonl").read_bytes() == before  # no episode ran again
    assert len(list(read_jsonl(journal_path(base / "traj.jsonl")))) == 2


async def test_exported_messages_are_what_the_runtime_sent(collected) -> None:
    base, _ids, _summary = collected
    out = export(ExportInputs(trajectories=[base / "traj.jsonl"]), base / "recorded", validation=0.0,
                 progress=False)
    rows = [json.loads(line) for role in ("planner", "executor", "replanner")
            for line in (base / "recorded" / f"{role}.trl.train.jsonl").read_text().splitlines()]
    exported = Counter(canonical(row["prompt"]) for row in rows)
    sent: Counter[str] = Counter()
    for trajectory in read_jsonl(base / "traj.jsonl"):
        for call in recorded_calls(base, trajectory["thread_id"]):
            sent[canonical(call["messages"])] += 1
    assert exported == sent and sum(sent.values()) == len(rows)
    assert out.manifest["stats"]["source"] == {f"recorded/{r}": n for r, n in out.manifest["stats"]["role"].items()}


async def test_reference_annotations_export_the_same_examples_and_split_by_group(collected) -> None:
    base, _ids, _summary = collected
    teacher = ReferenceTeacher()
    options = RunOptions(out=base / "plans.jsonl", progress=False)
    assert (await run_stage(Annotate(teacher, [base / "traj.jsonl"]), options)).kept == 2
    await run_stage(Replans(teacher, [base / "traj.jsonl"], [base / "plans.jsonl"]),
                    RunOptions(out=base / "replans.jsonl", progress=False))
    annotated = export(ExportInputs([base / "traj.jsonl"], [base / "plans.jsonl"], [base / "replans.jsonl"]),
                       base / "annotated", validation=0.5, progress=False)
    export(ExportInputs([base / "traj.jsonl"]), base / "recorded2", validation=0.5, progress=False)
    for name in [f["path"] for f in annotated.manifest["files"]]:
        assert (base / "annotated" / name).read_bytes() == (base / "recorded2" / name).read_bytes(), name
    def groups(name: str) -> set[str]:
        return {json.loads(line)["group"] for line in (base / "annotated" / name).read_text().splitlines()}

    train, valid = groups("executor.trl.train.jsonl"), groups("executor.trl.validation.jsonl")
    assert train and valid and not train & valid
    for entry in annotated.manifest["files"]:
        lines = (base / "annotated" / entry["path"]).read_text().splitlines()
        assert entry["rows"] == len(lines)
        for line in lines:
            row = json.loads(line)
            if entry["format"] == "openai":  # valid for upload unchanged: no keys beyond the format's
                assert set(row) <= {"messages", "tools", "parallel_tool_calls"}
                assert ("tools" in row) == (entry["role"] == "executor")
            else:
                assert set(row) == {"id", "group", "prompt", "completion", "tools"}
                assert isinstance(row["tools"], str)
    assert annotated.manifest["kind"] == "plan-and-act-sft-export" and len(annotated.manifest["prompt_version"]) == 64


async def test_nothing_from_the_test_split_is_exported(collected, monkeypatch, tmp_path) -> None:
    base, _ids, _summary = collected
    trajectories = list(read_jsonl(base / "traj.jsonl"))
    held_out = trajectories[0]["state"]["intent"]
    leaked = {**trajectories[1], "id": "from-test", "split": sources.TEST,
              "task": {**trajectories[1]["task"], "split": sources.TEST}}
    write_jsonl(tmp_path / "mixed.jsonl", [*trajectories, leaked])
    monkeypatch.setattr(sources, "held_out_intents", lambda: frozenset({" ".join(held_out.lower().split())}))
    summary = export(ExportInputs(trajectories=[tmp_path / "mixed.jsonl"]), tmp_path / "sft", validation=0.0,
                     progress=False)
    rows = [json.loads(line) for role in ("planner", "executor", "replanner")
            for line in (tmp_path / "sft" / f"{role}.trl.train.jsonl").read_text().splitlines()]
    assert rows and not any(held_out in m["content"] for row in rows for m in row["prompt"])
    assert {row["group"] for row in rows} == {trajectories[1]["id"]}
    assert summary.manifest["stats"]["drops"]["trajectory from the test split"] == 1
    assert any("test split" in reason for reason in summary.manifest["stats"]["drops"])


async def test_a_real_client_episode_exports_its_exact_messages_and_tool_schemas(outfitters, loopback_openai,
                                                                                 tmp_path) -> None:
    """langchain-openai over HTTP binds the executor's tools, so the recorder sees the schemas a provider gets."""
    from langgraph.checkpoint.memory import InMemorySaver

    from graph.recorder import ModelCallRecorder
    from graph.runs import stream_run, task_input
    from synth.stages.collect import final_state, prompt_mismatches, trajectory_record

    url, _shop = outfitters
    base_url, _log = loopback_openai
    context = Context(mode="plan_and_act", planner_model="openai:loopback", executor_model="openai:loopback",
                      base_url=base_url)
    recorder, saver = ModelCallRecorder(), InMemorySaver()
    await stream_run(task_input("Add Summit Hiking Boots to the cart and tell me the price", url), context,
                     thread_id="real-client", checkpointer=saver, callbacks=[recorder])
    state = await final_state(saver, "real-client")
    assert state["status"] == "done" and prompt_mismatches(state, recorder.calls, context) == []
    task = {"task_id": None, "intent": state["intent"], "start_url": url, "sites": ["shop"], "group": "shop",
            "split": sources.TRAIN}
    record = trajectory_record(state, recorder.calls, task=task, outcome={"score": 1.0, "source": "test"}, site="shop",
                               policy="loopback", context=context, thread_id="real-client")
    write_jsonl(tmp_path / "traj.jsonl", [record])
    export(ExportInputs(trajectories=[tmp_path / "traj.jsonl"]), tmp_path / "sft", validation=0.0, progress=False)
    executor_rows = [json.loads(line) for line in (tmp_path / "sft" / "executor.openai.train.jsonl").read_text()
                     .splitlines()]
    calls = [c for c in recorder.calls if c.role == "executor" and c.attempt == 0]
    assert len(executor_rows) == len(calls) == len(state["history"])
    for row, call in zip(executor_rows, calls):
        assert canonical(row["messages"][:-1]) == canonical(call.messages)  # byte for byte, system and user
        assert call.tools and canonical(row["tools"]) == canonical(call.tools)  # the schemas the provider got
        action = row["messages"][-1]["tool_calls"][0]["function"]
        assert (action["name"], json.loads(action["arguments"])) == (call.output["tool_calls"][0]["function"]["name"],
                                                                     json.loads(call.output["tool_calls"][0]["function"]["arguments"]))


def test_training_tasks_never_include_test_intents() -> None:
    if not sources.has_splits():
        assert sources.held_out_intents() == frozenset()  # no split yet: nothing is held out, and it is said
        return
    assert not any(sources.is_held_out(task.config.intent) for task in sources.tasks(sources.TRAIN))


def test_demo_command_runs_offline_and_says_where_the_files_are(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    done = subprocess.run([str(Path(sys.executable).parent / "plan-and-act"), "synth", "demo", "--out", str(out),
                           "--limit", "2", "--quiet"], capture_output=True, text=True, timeout=600, cwd=REPO)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "every kept plan executed and scored 1 by its evaluator: yes" in done.stderr
    assert "identical to the runtime's own prompts and plans: yes" in done.stderr
    assert str(out / "sft") in done.stderr
    manifest = json.loads((out / "sft" / "manifest.json").read_text())
    assert sum(f["rows"] for f in manifest["files"] if f["format"] == "trl") == manifest["stats"]["examples"] > 0


def stop_with_42(judge_says: Callable[[str], str]) -> Callable[[list[Any]], Any]:
    """A loopback model for every role that stops at once with the answer 42; as the outcome judge it answers
    `judge_says(prompt text)`. One model keeps a query's episode to three short calls."""
    from langchain_core.messages import AIMessage

    from nodes import prompts as runtime_prompts
    from policies.scripted import tool_call

    def policy(messages: list[Any]) -> Any:
        text = "\n".join(str(m.content) for m in messages)
        if "Answer YES or NO" in text:
            return AIMessage(judge_says(text))
        role = runtime_prompts.read_role(messages)
        if role in ("planner", "replanner"):
            return AIMessage("## Step 1\nReasoning: The home page is open.\nStep: Stop with the answer 42")
        return tool_call("stop", answer="42")

    return policy


def query_collect(url: str, queries: Path, cache: Path, **options: Any) -> Collect:
    """`synth collect --in queries` with the loopback model as policy and as judge."""
    from synth.teacher import make_teacher
    from tests.synth.helpers import FAST_RETRY

    judge = make_teacher("openai:judge", base_url=url, cache_dir=cache, retry=FAST_RETRY)
    return Collect(judge, [queries], policy=PolicyChoice.models("openai:policy", base_url=url),
                   settings=Context(mode="plan_and_act"), **options)


async def test_generated_queries_are_collected_with_a_model_and_judged(tmp_path: Path) -> None:
    """A query from `synth queries` has no evaluator: the episode runs with a real client, a judge decides."""
    from synth.runner import StageError, rejects_path
    from tests.support.teacher_script import serve_teacher

    write_jsonl(tmp_path / "queries.jsonl", [
        {"id": "q1", "kind": "query", "site": "shopping", "sites": ["shopping"], "intent": "How many items? (say 42)",
         "start_url": "__SHOPPING__/", "seed": "s"}])
    with serve_teacher(stop_with_42(lambda text: "YES" if "42" in text else "NO")) as (url, _log):
        stage = query_collect(url, tmp_path / "queries.jsonl", tmp_path / "cache")
        summary = await run_stage(stage, RunOptions(out=tmp_path / "traj.jsonl", progress=False))
        with pytest.raises(StageError, match="no reference solution"):
            Collect(None, [tmp_path / "queries.jsonl"], policy=PolicyChoice("oracle"),
                    settings=Context(mode="plan_and_act"))
    assert summary.kept == 1, list(read_jsonl(rejects_path(tmp_path / "traj.jsonl")))
    [record] = list(read_jsonl(tmp_path / "traj.jsonl"))
    assert record["outcome"]["source"] == "judge" and record["outcome"]["score"] == 1.0
    assert record["task"]["query"] == "q1" and record["state"]["answer"] == "42"
    assert record["state"]["start_url"].startswith("http://127.0.0.1:")  # placeholders resolved to the live site


async def test_same_intent_stays_two_trajectories_and_a_judges_no_is_a_failure(tmp_path: Path) -> None:
    """Issue 8: the published code resumes by task text, merging episodes with one intent; ours keys by content
    and repeat, so two episodes of one query are two trajectories (and a rerun keeps both, running neither again).
    The judge's NO is kept as a failed trajectory (score 0), which export leaves out of the training data."""
    from synth.runner import rejects_path
    from tests.support.teacher_script import serve_teacher

    queries, out = tmp_path / "queries.jsonl", tmp_path / "traj.jsonl"
    write_jsonl(queries, [{"id": "q1", "kind": "query", "site": "shopping", "sites": ["shopping"],
                           "intent": "How many items are in the cart?", "start_url": "__SHOPPING__/", "seed": "s"}])
    with serve_teacher(stop_with_42(lambda text: "NO")) as (url, log):
        summary = await run_stage(query_collect(url, queries, tmp_path / "cache", repeats=2),
                                  RunOptions(out=out, workers=2, progress=False))
        asked = log.requests
        again = await run_stage(query_collect(url, queries, tmp_path / "cache", repeats=2),
                                RunOptions(out=out, workers=2, progress=False))
        assert again.kept == 2 and log.requests == asked  # resumed from the journal: no episode, no judge call
    assert summary.kept == 2, list(read_jsonl(rejects_path(out)))
    records = list(read_jsonl(out))
    assert len({r["id"] for r in records}) == len({r["thread_id"] for r in records}) == len(records) == 2
    assert {r["state"]["intent"] for r in records} == {"How many items are in the cart?"}
    assert sorted(r["repeat"] for r in records) == [0, 1]
    assert len({entry["key"] for entry in read_jsonl(journal_path(out))}) == 2
    for record in records:
        assert record["outcome"] == {"score": 0.0, "source": "judge", "checks": ["judge: False"]}
    exported = export(ExportInputs(trajectories=[out]), tmp_path / "sft", validation=0.0, progress=False)
    assert exported.manifest["stats"]["examples"] == 0
    assert exported.manifest["stats"]["drops"]["trajectory not successful"] == 2
