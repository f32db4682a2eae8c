"""The one stage runner every `plan-and-act synth <stage>` goes through.

A stage says what its units of work are (`Work`: a key, an order, a payload) and how to do one (`run` -> kept
records and rejects); the runner gives every stage the same properties:

- Resumable: each finished unit is appended to `<out>.journal.jsonl` under its key — a content hash of its
  inputs, the stage's prompt versions, the teacher and the settings that change its output (never task text,
  so two trajectories with the same intent stay two). A rerun skips units already journaled; a unit that was
  lost to an unreachable teacher is not "done" and is tried again.
- Deterministic: the outputs are written only at the end, from the journal, in input order, through the stage's
  `finalize` (dedup, caps). So the output does not depend on concurrency, and a run killed half way then rerun
  ends with the same files as an uninterrupted run.
- Concurrent with a limit (`workers`), budgeted (`limit` input records, `max_calls` live teacher calls),
  honest about losses (`<out>.rejects.jsonl`, one line per loss with its reason), and described by
  `<out>.manifest.json` (counts per site and kind, teacher, prompt versions, inputs with hashes, settings).
- A progress bar (rich) while it works.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from synth.jsonl import Appender, content_hash, file_hash, read_jsonl, write_json, write_jsonl
from synth.teacher import BudgetExhausted, Invalid, Teacher, TeacherFatal, TeacherRefused, TeacherUnavailable

MANIFEST_KIND = "plan-and-act-synth-stage"


class StageError(RuntimeError):
    """A stage that cannot run or had to stop (bad input, a teacher that cannot answer); one line for the user."""


@dataclass(frozen=True)
class Reject:
    reason: str  # a short code: bad_grounding, bad_json, refused, duplicate, teacher_unavailable, ...
    detail: str  # what exactly was wrong, for a person
    source: str = ""  # id of the input record it came from
    data: dict[str, Any] | None = None  # the rejected output, when there was one
    final: bool = True  # False: a transient loss that a rerun tries again

    def to_json(self) -> dict[str, Any]:
        record = {"reason": self.reason, "detail": self.detail, "source": self.source}
        if self.data is not None:
            record["data"] = self.data
        if not self.final:
            record["final"] = False
        return record


@dataclass
class Result:
    records: list[dict[str, Any]] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)


@dataclass(frozen=True)
class Work:
    key: str
    order: int
    payload: Any
    source: str = ""  # id of the input record (for rejects)
    site: str = ""


@dataclass(frozen=True)
class RunOptions:
    out: Path
    workers: int = 4
    progress: bool = True
    console: Console | None = None


class Stage:
    """Base class of a stage. Subclasses set `name` and `templates`, and implement `works` and `run`."""

    name = "stage"
    templates: tuple[str, ...] = ()  # teacher prompt templates it uses (their hashes go into keys and manifest)
    key_fields: tuple[str, ...] = ()  # settings that change what a unit produces (they go into its key)

    def __init__(self, teacher: Teacher | None, inputs: Sequence[Path] = (), *, limit: int | None = None,
                 settings: dict[str, Any] | None = None) -> None:
        self.teacher = teacher
        self.inputs = [Path(p) for p in inputs]
        self.limit = limit
        self.settings = dict(settings or {})

    # -- what a stage defines --
    def works(self, round_number: int, kept: list[dict[str, Any]]) -> list[Work]:
        """The units of work of a round. Round 0 is the whole job; a stage that must reach a count (expand)
        returns more units in later rounds while `kept` (the finalized records so far) falls short."""
        raise NotImplementedError

    async def run(self, work: Work) -> Result:
        raise NotImplementedError

    def finalize(self, results: list[tuple[Work, Result]]) -> Result:
        """All kept records and rejects, in work order. Stages that dedup or cap override this."""
        merged = Result()
        for _work, result in results:
            merged.records.extend(result.records)
            merged.rejects.extend(result.rejects)
        return merged

    def describe(self, record: dict[str, Any]) -> tuple[str, str]:
        """(site, kind) of an output record, for the manifest's counts."""
        return str(record.get("site", "")), str(record.get("kind", self.name))

    def extra_manifest(self) -> dict[str, Any]:
        return {}

    def side_outputs(self, records: list[dict[str, Any]], out: Path) -> dict[str, str]:
        """Write files besides the output (pages, reports); returns {label: path} for the manifest."""
        return {}

    async def close(self) -> None:
        """Release what the stage holds (browsers, servers) once its units are done."""

    # -- shared helpers --
    def prompt_versions(self) -> dict[str, str]:
        from synth import prompts

        return prompts.version(*self.templates) if self.templates else {}

    def key(self, *parts: Any) -> str:
        """A unit's key: its input content, the stage, prompt versions, teacher, and output-changing settings."""
        teacher = self.teacher.id if self.teacher is not None else ""
        chosen = {name: self.settings.get(name) for name in self.key_fields}
        return content_hash(self.name, self.prompt_versions(), teacher, chosen, *parts)

    def read_inputs(self, paths: Sequence[Path] | None = None) -> list[dict[str, Any]]:
        """Input records in file order, at most `limit` of them."""
        records: list[dict[str, Any]] = []
        for path in self.inputs if paths is None else paths:
            if not Path(path).exists():
                raise StageError(f"{self.name}: input file not found: {path}")
            for record in read_jsonl(path):
                records.append(record)
                if self.limit is not None and len(records) >= self.limit:
                    return records
        return records


@dataclass
class Summary:
    stage: str
    out: Path
    kept: int
    rejected: int
    complete: bool
    stopped: str
    manifest: dict[str, Any]

    @property
    def rejects_path(self) -> Path:
        return rejects_path(self.out)


def rejects_path(out: Path) -> Path:
    return out.with_name(_stem(out) + ".rejects.jsonl")


def journal_path(out: Path) -> Path:
    return out.with_name(_stem(out) + ".journal.jsonl")


def manifest_path(out: Path) -> Path:
    return out.with_name(_stem(out) + ".manifest.json")


def _stem(out: Path) -> str:
    return out.name.removesuffix(".jsonl")


class Journal:
    """Finished units by key, read back from disk on start; appended (flushed) as units finish."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.entries: dict[str, dict[str, Any]] = {}
        for entry in read_jsonl(path):
            self.entries[entry["key"]] = entry
        self._appender: Appender | None = None

    def done(self, key: str) -> bool:
        entry = self.entries.get(key)
        return entry is not None and all(r.get("final", True) for r in entry["rejects"])

    def add(self, work: Work, result: Result) -> None:
        entry = {"key": work.key, "order": work.order, "source": work.source, "site": work.site,
                 "records": result.records, "rejects": [r.to_json() for r in result.rejects]}
        if self._appender is None:
            self._appender = Appender(self.path)
        self._appender.append(entry)
        self.entries[work.key] = entry

    def result(self, key: str) -> Result:
        entry = self.entries[key]
        return Result(records=list(entry["records"]),
                      rejects=[Reject(r["reason"], r["detail"], r.get("source", ""), r.get("data"),
                                      r.get("final", True)) for r in entry["rejects"]])

    def close(self) -> None:
        if self._appender is not None:
            self._appender.close()


def reject_from(error: BaseException, work: Work) -> Reject:
    """The reject a failed unit leaves: the check's code, or what happened to the teacher."""
    if isinstance(error, Invalid):
        return Reject(error.code, str(error), work.source)
    if isinstance(error, TeacherUnavailable):
        return Reject("teacher_unavailable", str(error), work.source, final=False)
    if isinstance(error, TeacherRefused):
        return Reject("teacher_error", str(error), work.source)
    raise error


class _Bar:
    """A rich progress bar with the counts a person watching a stage wants (or nothing, when disabled)."""

    def __init__(self, options: RunOptions, label: str) -> None:
        columns = (TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                   TextColumn("kept {task.fields[kept]} · rejected {task.fields[rejected]} · "
                              "calls {task.fields[calls]} (cached {task.fields[cached]})"),
                   TimeElapsedColumn(), TimeRemainingColumn())
        self.progress = Progress(*columns, disable=not options.progress, console=options.console, transient=False)
        self.task = self.progress.add_task(label, total=0, kept=0, rejected=0, calls=0, cached=0)

    def grow(self, count: int) -> None:
        total = self.progress.tasks[0].total or 0
        self.progress.update(self.task, total=total + count)

    def advance(self, result: Result | None, teacher: Teacher | None) -> None:
        fields: dict[str, Any] = {}
        task = self.progress.tasks[0]
        if result is not None:
            fields["kept"] = task.fields["kept"] + len(result.records)
            fields["rejected"] = task.fields["rejected"] + len(result.rejects)
        if teacher is not None:
            fields.update(calls=teacher.stats.live, cached=teacher.stats.cached)
        self.progress.update(self.task, advance=1 if result is not None else 0, **fields)


async def _run_units(stage: Stage, pending: list[Work], journal: Journal, options: RunOptions, bar: _Bar) -> str:
    """Run units with at most `workers` at once; returns why it stopped early ("" if it did not)."""
    queue: asyncio.Queue[Work] = asyncio.Queue()
    for work in pending:
        queue.put_nowait(work)
    stopped = ""
    fatal: BaseException | None = None

    async def worker() -> None:
        nonlocal stopped, fatal
        while not stopped and fatal is None:
            try:
                work = queue.get_nowait()
            except asyncio.QueueEmpty:
                return
            try:
                result = await stage.run(work)
            except BudgetExhausted as exc:
                stopped = str(exc)
                return
            except TeacherFatal as exc:
                fatal = exc
                return
            except (Invalid, TeacherUnavailable, TeacherRefused) as exc:
                result = Result(rejects=[reject_from(exc, work)])
            except StageError as exc:
                fatal = exc
                return
            except Exception as exc:  # a bug or an unforeseen failure for this unit: say so, try it again next run
                result = Result(rejects=[Reject("internal_error", f"{type(exc).__name__}: {exc}"[:500], work.source,
                                                final=False)])
            journal.add(work, result)
            bar.advance(result, stage.teacher)

    await asyncio.gather(*(worker() for _ in range(max(1, options.workers))))
    if fatal is not None:
        raise StageError(str(fatal)) from fatal
    return stopped


async def run_stage(stage: Stage, options: RunOptions) -> Summary:
    """Run (or resume) a stage and write its output, rejects and manifest."""
    started, wall = time.time(), time.perf_counter()
    options.out.parent.mkdir(parents=True, exist_ok=True)
    journal = Journal(journal_path(options.out))
    done_units: list[Work] = []
    stopped = ""
    final = Result()
    bar = _Bar(options, f"synth {stage.name}")
    try:
        with bar.progress:
            for round_number in range(1000):
                units = stage.works(round_number, final.records)
                if not units:
                    break
                pending = [w for w in units if not journal.done(w.key)]
                bar.grow(len(units))
                for resumed in (w for w in units if journal.done(w.key)):
                    bar.advance(journal.result(resumed.key), stage.teacher)
                stopped = await _run_units(stage, pending, journal, options, bar)
                done_units += [w for w in units if w.key in journal.entries]
                final = stage.finalize([(w, journal.result(w.key)) for w in sorted(done_units, key=lambda w: w.order)])
                if stopped:
                    break
    finally:
        journal.close()
        await stage.close()
    retryable = sum(1 for r in final.rejects if not r.final)
    if retryable and not stopped:
        stopped = (f"{retryable} record(s) lost to transient failures (an unreachable teacher, a crashed episode); "
                   "a rerun tries them again")
    complete = not stopped
    write_jsonl(options.out, final.records)
    write_jsonl(rejects_path(options.out), [r.to_json() for r in final.rejects])
    side = stage.side_outputs(final.records, options.out)
    manifest = _manifest(stage, options, final, complete, stopped, started, time.perf_counter() - wall, side)
    write_json(manifest_path(options.out), manifest)
    return Summary(stage.name, options.out, len(final.records), len(final.rejects), complete, stopped, manifest)


def _counts(stage: Stage, records: Iterable[dict[str, Any]]) -> dict[str, Any]:
    by_site: Counter[str] = Counter()
    by_kind: Counter[str] = Counter()
    for record in records:
        site, kind = stage.describe(record)
        by_site[site or "?"] += 1
        by_kind[kind or "?"] += 1
    return {"by_site": dict(sorted(by_site.items())), "by_kind": dict(sorted(by_kind.items()))}


def _manifest(stage: Stage, options: RunOptions, final: Result, complete: bool, stopped: str, started: float,
              seconds: float, side: dict[str, str]) -> dict[str, Any]:
    teacher = stage.teacher
    return {
        "kind": MANIFEST_KIND, "version": 1, "stage": stage.name,
        "complete": complete, "stopped": stopped or None,
        "output": options.out.name, "rejects": rejects_path(options.out).name, "side_outputs": side,
        "kept": len(final.records), "rejected": len(final.rejects),
        "counts": _counts(stage, final.records),
        "rejects_by_reason": dict(sorted(Counter(r.reason for r in final.rejects).items())),
        "teacher": teacher.id if teacher is not None else None,
        "teacher_calls": teacher.stats.to_json() if teacher is not None else None,
        "prompt_versions": stage.prompt_versions(),
        "inputs": [{"path": str(p), "sha256": file_hash(Path(p))} for p in stage.inputs if Path(p).exists()],
        "settings": {**stage.settings, "workers": options.workers, "limit": stage.limit,
                     "max_calls": getattr(getattr(teacher, "budget", None), "max_calls", None)},
        **stage.extra_manifest(),
        "started_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(started)),
        "seconds": round(seconds, 2),
    }

