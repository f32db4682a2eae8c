"""From the export to a served model the agent uses: train, resume, LoRA, merge, serve, run an episode, compare.

A tiny random model cannot be good at anything, so these tests assert mechanics: the loss falls, checkpoints
resume, an adapter saves, reloads and merges to the same function, the served models answer the agent's own
planner and executor prompts through `langchain-openai`, and an episode through the real graph ends with a
stated reason. The short full fine-tune first is what makes the output format appear at all; the LoRA run then
trains the planner on top of it, as users would on a real base model.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.support.model_server import PLAN_AND_ACT, model_servers
from tests.support.sft_export import HELD_OUT_TASKS

pytestmark = pytest.mark.slow

FAST = {"batch_size": 1, "logging_steps": 1, "show_progress": False}


def exported_rows(export_dir: Path, name: str) -> int:
    manifest = json.loads((export_dir / "manifest.json").read_text())
    return next(entry["rows"] for entry in manifest["files"] if entry["path"] == name)


@dataclass
class FullRun:
    out: Path
    first: Any
    resumed: Any


@pytest.fixture(scope="module")
def executor_model(export_dir: Path, tiny_base: Path, tmp_path_factory: pytest.TempPathFactory) -> FullRun:
    """A full fine-tune of the executor, interrupted after 4 steps (as by a crash) and resumed to 8."""
    from train.sft import TrainSettings, run_training

    out = tmp_path_factory.mktemp("models") / "executor-full"
    settings = TrainSettings(role="executor", data=str(export_dir / "executor.trl.train.jsonl"),
                             base_model=str(tiny_base), out=str(out), full=True, learning_rate=3e-3, max_steps=4,
                             save_steps=2, **FAST)
    first = run_training(settings)
    settings.max_steps = 8
    return FullRun(out, first, run_training(settings))


@pytest.fixture(scope="module")
def planner_adapter(export_dir: Path, executor_model: FullRun, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A LoRA planner on top of the fine-tuned model, trained through the real `plan-and-act train` command."""
    out = tmp_path_factory.mktemp("models") / "planner-lora"
    done = subprocess.run(
        [PLAN_AND_ACT, "train", "--role", "planner", "--data", str(export_dir / "planner.openai.train.jsonl"),
         "--base-model", str(executor_model.out), "--out", str(out), "--learning-rate", "3e-3", "--batch-size", "1",
         "--max-steps", "6", "--logging-steps", "1", "--lora-r", "8", "--lora-alpha", "16", "--merge",
         "--no-progress"], capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    rows = exported_rows(export_dir, "planner.openai.train.jsonl")
    assert f"trained planner (lora) on {rows} rows" in done.stderr and "validation loss" in done.stderr
    return out


def test_a_full_fine_tune_lowers_the_loss_and_resumes_after_an_interruption(executor_model: FullRun,
                                                                            export_dir: Path) -> None:
    first, resumed = executor_model.first, executor_model.resumed
    assert first.steps == 4 and first.rows == exported_rows(export_dir, "executor.trl.train.jsonl")
    assert first.dropped_rows == 0
    assert first.eval_loss_after < first.eval_loss_before
    assert resumed.resumed_from.endswith("checkpoint-4") and resumed.steps == 8
    assert resumed.eval_loss_after < first.eval_loss_after  # it went on from where it was, not from scratch
    losses = first.train_losses + resumed.train_losses
    assert losses[-1] < losses[0]
    record = json.loads((executor_model.out / "plan_and_act_training.json").read_text())
    assert record["run"]["method"] == "full" and record["result"]["steps"] == 8
    assert (executor_model.out / "model.safetensors").is_file()
    assert (executor_model.out / "chat_template.jinja").is_file()


def test_another_run_is_not_mixed_into_an_output_directory(export_dir: Path, executor_model: FullRun) -> None:
    from train.sft import TrainError, TrainSettings, run_training

    different = r"holds another training run \(different role, data_sha256, base_model, method\)"
    with pytest.raises(TrainError, match=different):
        run_training(TrainSettings(role="planner", data=str(export_dir / "planner.trl.train.jsonl"),
                                   base_model="unused", out=str(executor_model.out)))


def test_the_lora_adapter_saves_reloads_and_merges_to_the_same_model(planner_adapter: Path,
                                                                     executor_model: FullRun) -> None:
    import torch
    from transformers import AutoModelForCausalLM

    from train.loading import adapter_base, is_adapter, load_trained

    record = json.loads((planner_adapter / "plan_and_act_training.json").read_text())["result"]
    assert record["method"] == "lora" and record["eval_loss_after"] < record["eval_loss_before"]
    assert is_adapter(planner_adapter) and adapter_base(planner_adapter) == str(executor_model.out)
    assert not (planner_adapter / "model.safetensors").exists()  # an adapter, not a copy of the base

    adapted, tokenizer = load_trained(planner_adapter)  # the base from the adapter's config + the adapter
    merged, _ = load_trained(planner_adapter / "merged")
    base = AutoModelForCausalLM.from_pretrained(str(executor_model.out)).eval()
    ids = torch.tensor([tokenizer("## Step 1\nReasoning: the page lists orders.")["input_ids"]])
    with torch.no_grad():
        via_adapter, via_merged, via_base = (m(input_ids=ids).logits for m in (adapted, merged, base))
    assert torch.allclose(via_adapter, via_merged, atol=1e-4)
    assert not torch.allclose(via_adapter, via_base, atol=1e-4)  # the adapter changed the model


@pytest.fixture(scope="module")
def served(executor_model: FullRun, planner_adapter: Path, tmp_path_factory) -> Iterator[dict[str, str]]:
    options = ("--max-new-tokens", "40")
    with model_servers({"executor": (executor_model.out, options), "planner": (planner_adapter, options)},
                       tmp_path_factory.mktemp("server-logs")) as urls:
        yield urls


def _prompt(export_dir: Path, role: str) -> tuple[list[Any], list[dict[str, Any]]]:
    from langchain_core.messages import HumanMessage, SystemMessage

    # The longest validation prompt: the check is that a whole, long prompt reaches the served model (the first
    # row's length depends on which episode the split put first, and a short one does not show truncation).
    rows = [json.loads(line) for line in (export_dir / f"{role}.trl.validation.jsonl").read_text().splitlines()]
    row = max(rows, key=lambda r: sum(len(message["content"]) for message in r["prompt"]))
    system, user = row["prompt"]
    return [SystemMessage(system["content"]), HumanMessage(user["content"])], json.loads(row["tools"])


def test_the_served_models_answer_the_planner_and_executor_prompts(served: dict[str, str], export_dir: Path) -> None:
    from langchain_openai import ChatOpenAI

    for role in ("planner", "executor"):
        messages, tools = _prompt(export_dir, role)
        answers = []
        for stream in (False, True):
            model: Any = ChatOpenAI(model=f"{role}-any-name", base_url=served[role], api_key="unused",
                                    temperature=0, streaming=stream, stream_usage=True)
            if tools:
                model = model.bind_tools(tools, parallel_tool_calls=False)
            answers.append(model.invoke(messages))
        plain, streamed = answers
        assert plain.usage_metadata["input_tokens"] > 1000 and 0 < plain.usage_metadata["output_tokens"] <= 40
        assert streamed.usage_metadata == plain.usage_metadata
        # greedy decoding: the stream is the same answer, tool calls included
        assert streamed.content == plain.content
        assert [(c["name"], c["args"]) for c in streamed.tool_calls] == [
            (c["name"], c["args"]) for c in plain.tool_calls]
        names = {tool["function"]["name"] for tool in tools}
        assert all(call["name"] in names and isinstance(call["args"], dict) for call in plain.tool_calls)
        assert isinstance(plain.content, str)


async def test_an_episode_through_the_graph_ends_with_a_stated_reason(served: dict[str, str]) -> None:
    from graph.context import Context
    from harness.episode import PolicyChoice, run_embedded_task
    from webenv.tasks.suite import task_by_id

    settings = Context(planner_base_url=served["planner"], executor_base_url=served["executor"], max_steps=3,
                       max_invalid_outputs=1)
    result = await run_embedded_task(task_by_id(HELD_OUT_TASKS[0]),
                                     PolicyChoice.models(planner="openai:planner", executor="openai:executor"),
                                     settings)
    assert result.error == "" and result.status in ("done", "failed")
    assert result.stop_reason.strip()
    assert result.usage["planner"]["calls"] >= 1 and result.usage["planner"]["input_tokens"] > 0


def test_the_grid_compares_planners_and_executors_on_the_same_tasks(served: dict[str, str], tmp_path: Path) -> None:
    benchmarks = tmp_path / "BENCHMARKS.md"
    done = subprocess.run(
        [str(Path(PLAN_AND_ACT).parent / "plan-and-act-bench"), "grid", "--tasks", str(HELD_OUT_TASKS[1]),
         "--planner", "none", "--planner", f"tuned=openai:planner@{served['planner']}",
         "--executor", f"tuned=openai:executor@{served['executor']}", "--max-steps", "2",
         "--max-invalid-outputs", "0", "--workers", "1", "--out", str(tmp_path / "run"),
         "--benchmarks-section", "grid-test", "--benchmarks-md", str(benchmarks)],
        capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    table = benchmarks.read_text()
    assert "| planner \\ executor | tuned |" in table
    assert "| none (executor alone) | 0.0 (0/1) |" in table and "| tuned | 0.0 (0/1) |" in table
    for cell in ("none__tuned", "tuned__tuned"):
        results = [json.loads(line) for line in next((tmp_path / "run" / cell).glob("results-*.jsonl")).read_text()
                   .splitlines()]
        assert len(results) == 1 and results[0]["stop_reason"] and results[0]["status"] != "error"
    none_row = json.loads(next((tmp_path / "run" / "none__tuned").glob("results-*.jsonl")).read_text())
    assert none_row["mode"] == "react" and "planner" not in none_row["usage"]
