"""The teacher: any `init_chat_model` model (or an OpenAI-compatible server), asked with a disk cache, retries
with backoff, a call budget and bounded correction rounds — or the offline `reference` teacher.

- Cache: every reply is stored under the hash of (teacher, exact messages) before it is used, so a crash, a
  SIGKILL or a rerun never pays for the same call twice. Identical prompts in flight at once share one call.
- Retries: rate limits (429), server errors (5xx), 408/409 and timeouts are retried with exponential backoff and
  jitter, honouring Retry-After; the provider client's own retries are turned off so there is one policy.
  Bad credentials or an unknown model stop the stage (every call would fail); other 4xx lose only the record.
- Budget: `max_calls` caps live calls (cache hits are free); past it the stage stops cleanly and a rerun
  continues where it stopped.
- The reference teacher answers from the structured record a stage passes along (a trajectory's reference
  solution), in the same text format a model writes, and its answers go through the same validators.
"""

from __future__ import annotations

import asyncio
import importlib
import json
import os
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import BaseMessage

from graph.models import ModelConfigError, load_chat_model
from synth import prompts
from synth.jsonl import content_hash

T = TypeVar("T")
RETRY_STATUS = frozenset({408, 409, 429})
FATAL_STATUS = frozenset({401, 403, 404})


class TeacherFatal(RuntimeError):
    """The teacher cannot answer any call (bad key, unknown model, unsupported request): the stage stops."""


class TeacherUnavailable(RuntimeError):
    """Retries ran out (rate limits, server errors, timeouts): the record is lost for this run, not for good."""


class TeacherRefused(RuntimeError):
    """The provider refused this one request (400-like): the record is rejected."""


class BudgetExhausted(RuntimeError):
    """The run's live-call budget is spent; the stage stops and a rerun continues."""


class Invalid(ValueError):
    """A teacher reply that fails a stage's check; `code` names the kind of problem in reject reports."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass
class CallStats:
    live: int = 0
    cached: int = 0
    retries: int = 0
    failed: int = 0
    input_tokens: int = 0
    output_tokens: int = 0

    def to_json(self) -> dict[str, int]:
        return dict(self.__dict__)


class CallBudget:
    def __init__(self, max_calls: int | None) -> None:
        self.max_calls = max_calls
        self.used = 0

    def take(self) -> None:
        if self.max_calls is not None and self.used >= self.max_calls:
            raise BudgetExhausted(f"the budget of {self.max_calls} teacher calls is spent")
        self.used += 1


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 6  # tries per call, the first included
    base_seconds: float = 0.5
    cap_seconds: float = 30.0
    timeout_seconds: float = 120.0

    def delay(self, attempt: int, retry_after: float | None) -> float:
        backoff = min(self.cap_seconds, self.base_seconds * 2 ** attempt) * random.uniform(0.5, 1.0)
        return min(self.cap_seconds, max(backoff, retry_after or 0.0))


@dataclass(frozen=True)
class TeacherTask:
    """What a call is for, as structured data: models ignore it, the reference teacher answers from it."""

    kind: str
    data: dict[str, Any] = field(default_factory=dict)
    # Which unit of work asks. It is part of the cache key: the cache must never repeat a call, but two units
    # that happen to send the same prompt are two calls (at temperature > 0 they are two samples).
    unit: str = ""


@dataclass(frozen=True)
class Reply:
    text: str
    cached: bool


class ReplyCache:
    """Replies on disk, one JSON file per prompt hash (`<dir>/ab/abcd….json`), written atomically."""

    def __init__(self, directory: Path | str) -> None:
        self.directory = Path(directory)
        self._made: set[Path] = set()  # shard folders known to exist (a mkdir per reply costs more than the write)

    def _path(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.json"

    def get(self, key: str) -> dict[str, Any] | None:
        path = self._path(key)
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (FileNotFoundError, json.JSONDecodeError):
            return None

    def put(self, key: str, value: dict[str, Any]) -> None:
        path = self._path(key)
        if path.parent not in self._made:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._made.add(path.parent)
        temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        temporary.write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")
        os.replace(temporary, path)


def _status_of(exc: BaseException) -> int | None:
    for candidate in (getattr(exc, "status_code", None), getattr(getattr(exc, "response", None), "status_code", None),
                      getattr(exc, "status", None)):
        if isinstance(candidate, int):
            return candidate
    return None


def _retry_after(exc: BaseException) -> float | None:
    headers = getattr(getattr(exc, "response", None), "headers", None) or {}
    try:
        if "retry-after-ms" in headers:
            return float(headers["retry-after-ms"]) / 1000
        if "retry-after" in headers:
            return float(headers["retry-after"])
    except (TypeError, ValueError):
        return None
    return None


def classify_error(exc: BaseException) -> str:
    """"retry", "fatal" or "reject" for an exception raised by a provider client."""
    if isinstance(exc, (asyncio.TimeoutError, TimeoutError, ConnectionError)):
        return "retry"
    status = _status_of(exc)
    if status is not None:
        if status in RETRY_STATUS or status >= 500:
            return "retry"
        if status in FATAL_STATUS:
            return "fatal"
        return "reject"
    name = type(exc).__name__
    if "Timeout" in name or "Connection" in name or "RateLimit" in name or "ServiceUnavailable" in name:
        return "retry"
    if "Authentication" in name or "PermissionDenied" in name or "NotFound" in name:
        return "fatal"
    return "reject"


def _short(exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {exc}".strip()
    return " ".join(text.split())[:300]


class Teacher:
    """Base: `id` goes into record keys; `reply` answers one conversation."""

    id: str = "teacher"

    def __init__(self) -> None:
        self.stats = CallStats()

    async def reply(self, messages: list[BaseMessage], task: TeacherTask) -> Reply:
        raise NotImplementedError

    def supports(self, kind: str) -> bool:
        return True


class ChatTeacher(Teacher):
    """A chat model behind `init_chat_model` (via the runtime's `load_chat_model`), cached and retried."""

    def __init__(self, spec: str, *, base_url: str = "", temperature: float = 0.0, cache: ReplyCache | None = None,
                 budget: CallBudget | None = None, retry: RetryPolicy = RetryPolicy(),
                 model: BaseChatModel | None = None) -> None:
        super().__init__()
        self.spec, self.base_url, self.temperature = spec, base_url, temperature
        self.id = f"{spec}@{temperature:g}"
        self.cache, self.budget, self.retry = cache, budget or CallBudget(None), retry
        self._model = model
        self._in_flight: dict[str, asyncio.Future[str]] = {}

    def model(self) -> BaseChatModel:
        if self._model is None:
            import policies.providers  # noqa: F401  (scripted:/reference: strings work as teachers too)

            try:
                self._model = load_chat_model(self.spec, base_url=self.base_url, temperature=self.temperature,
                                              role="planner", max_retries=0, timeout=self.retry.timeout_seconds)
            except ModelConfigError as exc:
                raise TeacherFatal(f"teacher {self.spec!r}: {exc}") from exc
        return self._model

    def prompt_key(self, messages: list[BaseMessage], unit: str = "") -> str:
        return content_hash("teacher-reply", self.id, unit, [(m.type, m.content) for m in messages])

    async def reply(self, messages: list[BaseMessage], task: TeacherTask) -> Reply:
        key = self.prompt_key(messages, task.unit)
        if self.cache is not None:
            hit = self.cache.get(key)
            if hit is not None:
                self.stats.cached += 1
                return Reply(str(hit["text"]), cached=True)
        if key in self._in_flight:
            text = await asyncio.shield(self._in_flight[key])
            self.stats.cached += 1
            return Reply(text, cached=True)
        future: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        self._in_flight[key] = future
        try:
            text = await self._call(messages, key)
            future.set_result(text)
            return Reply(text, cached=False)
        except asyncio.CancelledError:
            future.cancel()
            raise
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # retrieved: waiters re-raise it, nobody warns about it
            raise
        finally:
            del self._in_flight[key]

    async def _call(self, messages: list[BaseMessage], key: str) -> str:
        model = self.model()
        for attempt in range(self.retry.attempts):
            self.budget.take()
            self.stats.live += 1
            try:
                message = await asyncio.wait_for(model.ainvoke(messages), self.retry.timeout_seconds)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                verdict = classify_error(exc)
                if verdict == "fatal":
                    raise TeacherFatal(f"teacher {self.spec!r}: {_short(exc)}") from exc
                if verdict == "reject":
                    self.stats.failed += 1
                    raise TeacherRefused(_short(exc)) from exc
                if attempt + 1 == self.retry.attempts:
                    self.stats.failed += 1
                    raise TeacherUnavailable(f"{self.retry.attempts} tries, last: {_short(exc)}") from exc
                self.stats.retries += 1
                await asyncio.sleep(self.retry.delay(attempt, _retry_after(exc)))
                continue
            text = _text_of(message)
            usage = getattr(message, "usage_metadata", None) or {}
            self.stats.input_tokens += int(usage.get("input_tokens", 0))
            self.stats.output_tokens += int(usage.get("output_tokens", 0))
            if self.cache is not None:
                self.cache.put(key, {"text": text, "teacher": self.id, "usage": dict(usage)})
            return text
        raise AssertionError("unreachable")


def _text_of(message: Any) -> str:
    content = getattr(message, "content", message)
    if isinstance(content, list):  # content blocks (Anthropic, reasoning models)
        return "".join(part.get("text", "") if isinstance(part, dict) else str(part) for part in content)
    return str(content or "")


ReferenceAnswer = Callable[[dict[str, Any]], str]
_reference_answers: dict[str, ReferenceAnswer] = {}
# The stages that define reference answers, imported on first use (as graph.models does for its providers).
REFERENCE_MODULES = ("synth.stages.annotate", "synth.stages.replans")


def reference_answer(kind: str) -> Callable[[ReferenceAnswer], ReferenceAnswer]:
    """Register how the reference teacher answers one kind of request (the stage that asks defines it)."""

    def register(function: ReferenceAnswer) -> ReferenceAnswer:
        _reference_answers[kind] = function
        return function

    return register


class ReferenceTeacher(Teacher):
    """Answers from reference solutions, offline: no model, no cache needed, deterministic."""

    id = "reference"

    @staticmethod
    def _answers() -> dict[str, ReferenceAnswer]:
        for module in REFERENCE_MODULES:
            importlib.import_module(module)
        return _reference_answers

    def supports(self, kind: str) -> bool:
        return kind in self._answers()

    async def reply(self, messages: list[BaseMessage], task: TeacherTask) -> Reply:
        answer = self._answers().get(task.kind)
        if answer is None:
            raise TeacherFatal(f"the reference teacher cannot write {task.kind!r} data (it only derives data from "
                               f"reference solutions: {', '.join(sorted(_reference_answers))}); pass a model "
                               "with --teacher")
        self.stats.cached += 1
        return Reply(answer(task.data), cached=True)


def make_teacher(spec: str, *, base_url: str = "", temperature: float = 0.0, cache_dir: Path | str | None = None,
                 max_calls: int | None = None, retry: RetryPolicy = RetryPolicy()) -> Teacher:
    """`reference` for the offline teacher; anything else is an init_chat_model string."""
    if spec.strip() == "reference":
        return ReferenceTeacher()
    cache = ReplyCache(cache_dir) if cache_dir else None
    return ChatTeacher(spec.strip(), base_url=base_url, temperature=temperature, cache=cache,
                       budget=CallBudget(max_calls), retry=retry)


@dataclass
class Asked(Generic[T]):
    value: T
    rounds: int  # correction rounds it took


async def ask_valid(teacher: Teacher, messages: list[BaseMessage], check: Callable[[str], T], task: TeacherTask,
                    rounds: int = 2) -> Asked[T]:
    """Ask until `check` accepts the reply (it raises Invalid, saying why, otherwise); each problem goes back to
    the teacher, at most `rounds` times; then the last Invalid propagates and the record is rejected."""
    conversation = list(messages)
    for attempt in range(rounds + 1):
        reply = await teacher.reply(conversation, task)
        try:
            return Asked(check(reply.text), attempt)
        except Invalid as problem:
            if attempt == rounds or isinstance(teacher, ReferenceTeacher):
                raise
            conversation += prompts.correction(reply.text, str(problem))
    raise AssertionError("unreachable")

