"""The pieces under every stage, with no server: crash-safe JSONL, dedup, the reply cache, error classes, and the
runner's resume and budget with an in-process teacher model."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from langchain_core.callbacks import AsyncCallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult

from synth.dedup import Deduper, normalise
from synth.jsonl import Appender, JsonlError, read_jsonl, write_jsonl
from synth.runner import RunOptions, journal_path, rejects_path, run_stage
from synth.stages.expand import Expand
from synth.teacher import CallBudget, ChatTeacher, ReplyCache, RetryPolicy, classify_error
from tests.synth.helpers import good_pairs, write_seeds

pytestmark = pytest.mark.unit


def test_a_torn_last_line_is_skipped_and_cut_before_appending(tmp_path: Path) -> None:
    path = tmp_path / "j.jsonl"
    path.write_bytes(b'{"a": 1}\n{"b": 2}\n{"c": ')
    assert list(read_jsonl(path)) == [{"a": 1}, {"b": 2}]
    with Appender(path) as appender:
        appender.append({"d": 4})
    assert list(read_jsonl(path)) == [{"a": 1}, {"b": 2}, {"d": 4}]
    path.write_bytes(b'{"a": 1}\nnot json\n{"b": 2}\n')
    with pytest.raises(JsonlError, match="j.jsonl:2"):
        list(read_jsonl(path))
    write_jsonl(path, [{"x": "é"}])
    assert path.read_text(encoding="utf-8") == '{"x":"é"}\n' and not (tmp_path / "j.jsonl.tmp").exists()


def test_dedup_exact_near_and_numbers() -> None:
    deduper = Deduper()
    assert normalise("  Héllo, WORLD!! ") == "hello world"
    assert deduper.add("a", "How many orders did Sarah place in 2022?") is None
    assert deduper.add("b", "how many ORDERS did sarah place in 2022") .kind == "exact"  # type: ignore[union-attr]
    assert deduper.add("c", "How many orders did Sarah place in 2023?") is None  # another year: another task
    assert deduper.add("d", "How many orders did Sara place in 2022?").of == "a"  # type: ignore[union-attr]
    assert deduper.add("e", "Which products did Sarah review in 2022?") is None
    assert deduper.add("a", "anything") .kind == "exact"  # type: ignore[union-attr]  # the same record again
    with pytest.raises(ValueError):
        Deduper(threshold=0)


def test_errors_are_classified_for_retry() -> None:
    class StatusError(Exception):
        def __init__(self, status: int) -> None:
            self.status_code = status

    assert [classify_error(StatusError(s)) for s in (429, 500, 503, 408, 401, 404, 400, 422)] == [
        "retry", "retry", "retry", "retry", "fatal", "fatal", "reject", "reject"]
    assert classify_error(TimeoutError()) == "retry" and classify_error(ValueError("x")) == "reject"


class Instant(BaseChatModel):
    """An in-process teacher: answers expand prompts at once and counts its calls."""

    calls: int = 0

    @property
    def _llm_type(self) -> str:
        return "instant"

    def _generate(self, messages: list[BaseMessage], stop: Any = None, run_manager: Any = None, **kw: Any) -> ChatResult:
        raise NotImplementedError

    async def _agenerate(self, messages: list[BaseMessage], stop: Any = None,
                         run_manager: AsyncCallbackManagerForLLMRun | None = None, **kw: Any) -> ChatResult:
        self.calls += 1
        return ChatResult(generations=[ChatGeneration(message=AIMessage(good_pairs(messages)))])


def _teacher(tmp_path: Path, model: Instant, max_calls: int | None = None) -> ChatTeacher:
    return ChatTeacher("instant:test", cache=ReplyCache(tmp_path / "cache"), budget=CallBudget(max_calls),
                       retry=RetryPolicy(attempts=2, base_seconds=0.0), model=model)


async def test_a_stage_resumes_from_its_journal_then_from_the_reply_cache(tmp_path: Path) -> None:
    seeds = write_seeds(tmp_path)
    out = tmp_path / "pairs.jsonl"
    model = Instant()
    partial = await run_stage(Expand(_teacher(tmp_path, model, max_calls=3), [seeds], n=60),
                              RunOptions(out=out, workers=3, progress=False))
    assert not partial.complete and model.calls == 3 and partial.manifest["complete"] is False
    done = await run_stage(Expand(_teacher(tmp_path, model), [seeds], n=60), RunOptions(out=out, progress=False))
    assert done.complete and done.kept == 60 and model.calls == 6
    files = out.read_bytes(), rejects_path(out).read_bytes()
    journal_path(out).unlink()
    again = await run_stage(Expand(_teacher(tmp_path, model), [seeds], n=60), RunOptions(out=out, progress=False))
    assert again.kept == 60 and model.calls == 6  # every reply came from the cache
    assert (out.read_bytes(), rejects_path(out).read_bytes()) == files
    manifest = json.loads((tmp_path / "pairs.manifest.json").read_text())
    assert manifest["teacher_calls"]["cached"] == 6 and manifest["inputs"][0]["sha256"]
