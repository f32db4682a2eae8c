"""`synth failures`: a sweep's failed episodes -> a report for a person, and failure classes per site.

Reads the episodes of a benchmark sweep (`plan-and-act-bench sweep` writes `results-<mode>.jsonl`) or collected
trajectories, keeps the failed ones (score below 1), and writes them as `failure` records, a Markdown report
(task, final URL, every action with its result, screenshots, the evaluator's verdict) grouped by site, and a
YAML file of failure classes per site for a person to edit — proposed by the teacher from the failures (one
call per site), or, with no teacher, the classes shipped for the embedded sites. An existing classes file is
never overwritten: the proposal then goes beside it as `<name>.proposed.yaml`.
"""

from __future__ import annotations

import os
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

import yaml

from synth import prompts
from synth.jsonl import write_text
from synth.records import record_id
from synth.replies import parse_json
from synth.runner import Result, Stage, StageError, Work
from synth.teacher import Invalid, Teacher, TeacherTask, ask_valid
from tools.vocabulary import format_action

SHIPPED_CLASSES = Path(__file__).resolve().parent.parent / "failure_classes.yaml"
_NAME = re.compile(r"^[a-z][a-z0-9_]{1,60}$")
CLASSES_HEADER = """# Failure classes per site, proposed by `plan-and-act synth failures`. Edit freely (names,
# descriptions, add or delete classes); `plan-and-act synth augment --classes` reads this file.
"""


def load_classes(path: Path) -> dict[str, list[dict[str, str]]]:
    """{site: [{name, description}]}; a file a person edited, so every problem is named with its place."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError as exc:
        raise StageError(f"failure classes file not found: {path} (write one, or let `synth failures` propose "
                         "it)") from exc
    except yaml.YAMLError as exc:
        raise StageError(f"{path} is not valid YAML: {exc}") from exc
    if not isinstance(raw, dict):
        raise StageError(f"{path}: expected a mapping of site -> list of classes")
    classes: dict[str, list[dict[str, str]]] = {}
    for site, entries in raw.items():
        if not isinstance(entries, list):
            raise StageError(f"{path}: site {site!r} must hold a list of classes")
        seen: set[str] = set()
        for number, entry in enumerate(entries, start=1):
            if not isinstance(entry, dict) or not str(entry.get("name", "")).strip() or \
                    not str(entry.get("description", "")).strip():
                raise StageError(f"{path}: {site} class {number} needs a name and a description")
            name = str(entry["name"]).strip()
            if name.lower() == "other" or name in seen:
                raise StageError(f"{path}: {site} class {number}: the name {name!r} is reserved or repeated")
            seen.add(name)
        classes[str(site)] = [{"name": str(e["name"]).strip(), "description": " ".join(str(e["description"]).split())}
                              for e in entries]
    return classes


def check_classes(text: str) -> list[dict[str, str]]:
    items = parse_json(text, list)
    classes: list[dict[str, str]] = []
    for item in items:
        if not isinstance(item, dict):
            raise Invalid("bad_json", "each class must be an object with name and description")
        name, description = str(item.get("name", "")).strip(), " ".join(str(item.get("description", "")).split())
        if not _NAME.match(name) or name == "other":
            raise Invalid("bad_class", f"class name {name!r} must be short_snake_case (and not 'other')")
        if not description:
            raise Invalid("bad_class", f"class {name} needs a description")
        if any(c["name"] == name for c in classes):
            raise Invalid("bad_class", f"class name {name} appears twice")
        classes.append({"name": name, "description": description})
    if not 2 <= len(classes) <= 6:
        raise Invalid("bad_class", f"propose 3 or 4 classes, not {len(classes)}")
    return classes


def failure_from(record: dict[str, Any]) -> dict[str, Any] | None:
    """A failure record from a sweep result line or a collected trajectory; None when the episode passed."""
    if record.get("kind") == "trajectory":
        outcome = record.get("outcome") or {}
        if float(outcome.get("score") or 0.0) >= 1.0:
            return None
        state = record.get("state") or {}
        task = record.get("task") or {}
        steps = [{"action": s["action"], "args": s["args"], "ok": s["ok"], "url": s.get("url_after", ""),
                  "result": s.get("result", "")[:300], "screenshot": s.get("screenshot", "")}
                 for s in state.get("history") or []]
        fields = {"site": record.get("site", ""), "task_id": task.get("task_id"), "intent": state.get("intent", ""),
                  "status": state.get("status", ""), "stop_reason": state.get("stop_reason", ""),
                  "answer": state.get("answer", ""), "final_url": (state.get("observation") or {}).get("url", ""),
                  "verdict": list(outcome.get("checks") or []), "actions": steps, "error": ""}
    elif "score" in record and "intent" in record:
        if float(record.get("score") or 0.0) >= 1.0:
            return None
        fields = {"site": record.get("group", ""), "task_id": record.get("task_id"), "intent": record["intent"],
                  "status": record.get("status", ""), "stop_reason": record.get("stop_reason", ""),
                  "answer": record.get("answer", ""), "final_url": record.get("final_url", ""),
                  "verdict": list(record.get("checks") or []), "actions": list(record.get("actions") or []),
                  "error": record.get("error", "")}
    else:
        return None
    body = {"kind": "failure", **fields}
    return {"id": record_id("failure", body), **body}


def _summary(failure: dict[str, Any]) -> str:
    actions = "; ".join(format_action(a["action"], a.get("args") or {}) + ("" if a.get("ok", True) else " (FAILED)")
                        for a in failure["actions"][:25])
    verdict = " ".join(c for c in failure["verdict"] if "FAIL" in c)[:300]
    return (f"- Task: {failure['intent']}\n  Actions: {actions or '(none)'}\n  Ended: {failure['status']} — "
            f"{failure['stop_reason'] or failure['error']}\n  Answer: {failure['answer']!r}\n  Verdict: {verdict}")


class Failures(Stage):
    name = "failures"
    templates = ("propose_classes",)

    def __init__(self, teacher: Teacher | None, inputs: list[Path], *, classes: Path, rounds: int = 2,
                 limit: int | None = None) -> None:
        super().__init__(teacher, inputs, limit=limit, settings={"classes": str(classes), "correction_rounds": rounds})
        self.classes_path, self.rounds = classes, rounds
        self.written: dict[str, str] = {}

    def works(self, round_number: int, kept: list[dict[str, Any]]) -> list[Work]:
        if round_number:
            return []
        by_site: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for record in self.read_inputs():
            failure = failure_from(record)
            if failure is not None:
                by_site[failure["site"]].append(failure)
        return [Work(self.key(site, [f["id"] for f in failures]), order, (site, failures), site, site)
                for order, (site, failures) in enumerate(sorted(by_site.items()))]

    async def run(self, work: Work) -> Result:
        site, failures = work.payload
        records = list(failures)
        if self.teacher is not None:
            body = "\n".join(_summary(f) for f in failures[:30])
            asked = await ask_valid(self.teacher, prompts.propose_classes(site, body), check_classes,
                                    TeacherTask("propose_classes", unit=work.key), self.rounds)
            records += [{"kind": "failure_class", "site": site, **c} for c in asked.value]
        return Result(records=records)

    def describe(self, record: dict[str, Any]) -> tuple[str, str]:
        return str(record.get("site", "")), str(record["kind"])

    def side_outputs(self, records: list[dict[str, Any]], out: Path) -> dict[str, str]:
        stem = out.name.removesuffix(".jsonl")
        report = out.with_name(stem + ".report.md")
        failures = [r for r in records if r["kind"] == "failure"]
        write_text(report, render_report(failures, report.parent))
        proposed = self._proposal(records, {f["site"] for f in failures})
        target = self.classes_path
        if target.exists():
            target = target.with_name(target.stem + ".proposed.yaml")
        write_text(target, CLASSES_HEADER + yaml.safe_dump(proposed, sort_keys=True, allow_unicode=True, width=110))
        self.written = {"report": str(report), "classes": str(target)}
        return self.written

    def _proposal(self, records: list[dict[str, Any]], sites: set[str]) -> dict[str, list[dict[str, str]]]:
        if self.teacher is not None:
            proposal: dict[str, list[dict[str, str]]] = defaultdict(list)
            for record in records:
                if record["kind"] == "failure_class":
                    proposal[record["site"]].append({"name": record["name"], "description": record["description"]})
            return dict(proposal)
        shipped = load_classes(SHIPPED_CLASSES)
        return {site: shipped.get(site, []) for site in sorted(sites)}


def render_report(failures: list[dict[str, Any]], base: Path) -> str:
    """Markdown a person reads to name failure classes: per site, each failed task with its whole episode."""
    by_site: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for failure in failures:
        by_site[failure["site"]].append(failure)
    lines = ["# Failed episodes", "", f"{len(failures)} failed episodes on {len(by_site)} sites.", ""]
    for site in sorted(by_site):
        lines += [f"## {site} ({len(by_site[site])} failed)", ""]
        for failure in by_site[site]:
            lines += [f"### Task {failure['task_id']}: {failure['intent']}", "",
                      f"- Final URL: {failure['final_url'] or '(none)'}",
                      f"- Ended: {failure['status']} — "
                      f"{failure['stop_reason'] or failure['error'] or 'no reason given'}",
                      f"- Answer: `{failure['answer']}`" if failure["answer"] else "- Answer: (none)",
                      "- Verdict: " + ("; ".join(failure["verdict"]) or "(no checks recorded)"), "",
                      "| # | action | ok | URL after | result |", "|---:|---|---|---|---|"]
            for number, action in enumerate(failure["actions"]):
                result = " ".join(str(action.get("result", "")).split())[:160].replace("|", "\\|")
                call = format_action(action["action"], action.get("args") or {}).replace("|", "\\|")
                lines.append(f"| {number} | `{call}` | {'yes' if action.get('ok', True) else 'NO'} | "
                             f"{action.get('url', '')} | {result} |")
            shots = [(n, a["screenshot"]) for n, a in enumerate(failure["actions"]) if a.get("screenshot")]
            if shots:
                lines += ["", *(f"![after action {n}]({_relative(path, base)})" for n, path in shots)]
            lines.append("")
    return "\n".join(lines) + "\n"


def _relative(path: str, base: Path) -> str:
    try:
        return os.path.relpath(path, base)
    except ValueError:
        return path
