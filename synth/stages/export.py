"""`synth export`: planner, executor and replanner SFT files, in OpenAI's and TRL's formats, built by the
runtime's own prompt builder. The format (manifest, file names, row shapes) is the contract the trainer reads: it
is written down in `train/export.py`'s docstring, and in the README's "Synthetic training data" section.

Every example's messages come from `nodes.prompts.build_messages(role, state, context)` on the state the role
saw (`graph.moments` rebuilds it from a trajectory), converted by the recorder's one converter, so a model
trained on them meets at serving time exactly what it was trained on. Where a trajectory was annotated, its
plans are the teacher's grounded plan and replans (each executor example sees the plan in force at its step);
where it was not, its own recorded plans are used. Only successful trajectories and successful actions become
examples; synthetic plans (expand, augment) become planner examples on their seed's real first page (not in a
CoT export: no stage writes reasoning for them, and a planner trained to think must always have thought).

Train and validation are split by group — a trajectory and everything derived from it (its plans, replans,
reasoning and the synthetic plans seeded by it) — so no group is on both sides; and no example whose intent is
in the embedded suite's test split is written. `stats.md` counts the examples per stage (the one that wrote the
answer), site, role and split, every drop with its reason, and the tokens (o200k, as `tools.tokens` counts them).
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from langchain_core.messages import BaseMessage
from langchain_core.utils.function_calling import convert_to_openai_tool
from rich.console import Console
from rich.progress import Progress

from graph.context import Context
from graph.moments import executor_moment, page_after, planner_moment, replanner_moments
from graph.recorder import openai_messages
from graph.state import AgentState, Plan
from nodes.plan_text import render_plan
from nodes.prompts import build_messages
from nodes.toolset import executor_tools
from synth import sources
from synth import trajectory as traj
from synth.grounding import GroundedPlan, remaining
from synth.jsonl import file_hash, read_jsonl, write_json, write_jsonl, write_text
from synth.records import PageStore, first_page
from tools import tokens

ROLES = ("planner", "executor", "replanner")
FORMATS = ("openai", "trl")
SPLITS = ("train", "validation")
EXPORT_KIND = "plan-and-act-sft-export"
EPISODE_SETTINGS = ("mode", "cot", "history_window")  # the trajectory's settings that shape its prompts
# The stage that wrote each role's answer for an annotated trajectory (an executor's action is always collected).
ANNOTATED_BY = {"planner": "annotate", "executor": "collect", "replanner": "replans"}


@dataclass
class Example:
    role: str
    group: str
    site: str
    source: str  # annotated | recorded | synthetic
    stage: str  # the pipeline stage that wrote the answer: collect | annotate | replans | expand | augment | cot
    messages: list[BaseMessage]
    text: str  # the assistant's text (a plan, or the executor's reasoning)
    tool_call: dict[str, Any] | None = None
    tools: list[dict[str, Any]] = field(default_factory=list)
    intent: str = ""

    @property
    def id(self) -> str:
        body = json.dumps([self.role, openai_messages(self.messages), self.text, self.tool_call], sort_keys=True)
        return hashlib.sha256(body.encode()).hexdigest()[:24]


@dataclass
class ExportInputs:
    trajectories: Sequence[Path] = ()
    plans: Sequence[Path] = ()
    replans: Sequence[Path] = ()
    synthetic: Sequence[Path] = ()
    cot: Sequence[Path] = ()

    def all(self) -> list[Path]:
        return [*self.trajectories, *self.plans, *self.replans, *self.synthetic, *self.cot]


def runtime_prompt_version(context: Context | None = None) -> str:
    """sha256 of what the runtime's prompts are made of: each role's system prompt (plain and CoT, every mode)
    and the executor's tool schemas. A trained model is valid for runtimes with the same version."""
    base = context or Context()
    parts = [build_messages(role, {"intent": ""}, base.replace(cot=cot, mode=mode))[0].content  # type: ignore[typeddict-item]
             for role in ROLES for cot in (False, True) for mode in ("react", "plan", "plan_and_act")]
    parts.append(json.dumps(tool_schemas(base), sort_keys=True))
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()


def tool_schemas(context: Context) -> list[dict[str, Any]]:
    """The executor's tools in OpenAI's format, as the runtime binds them."""
    return [convert_to_openai_tool(tool) for tool in executor_tools(context)]


def _plan(grounded: GroundedPlan) -> Plan:
    return grounded.as_plan()


class Exporter:
    """Turns pipeline records into examples, counting every drop with its reason."""

    def __init__(self, inputs: ExportInputs, *, min_score: float = 1.0, cot: bool = False) -> None:
        self.inputs, self.min_score, self.cot = inputs, min_score, cot
        self.drops: Counter[str] = Counter()
        self.pages = PageStore()
        self.pages.load_beside(inputs.synthetic)
        self.trajectories = [r for p in inputs.trajectories for r in read_jsonl(p) if r.get("kind") == "trajectory"]
        self.grounded = {r["trajectory"]: r for p in inputs.plans for r in read_jsonl(p)
                         if r.get("kind") == "grounded_plan"}
        self.replans: dict[str, dict[int, dict[str, Any]]] = defaultdict(dict)
        for record in (r for p in inputs.replans for r in read_jsonl(p) if r.get("kind") == "replan"):
            self.replans[record["trajectory"]][int(record["t"])] = record
        self.reasoning: dict[tuple[str, str, int], str] = {}
        for record in (r for p in inputs.cot for r in read_jsonl(p)):
            if record.get("kind") == "cot_plan":
                self.reasoning[("plan", record["grounded_plan"], 0)] = record["reasoning"]
            elif record.get("kind") == "cot_action":
                self.reasoning[("action", record["trajectory"], int(record["index"]))] = record["reasoning"]
        # A record's group is the trajectory it derives from (synthetic plans follow their seeds there).
        self.group_of: dict[str, str] = {g["id"]: g["trajectory"] for g in self.grounded.values()}

    def _root(self, record_id: str) -> str:
        seen = set()
        while record_id in self.group_of and record_id not in seen:
            seen.add(record_id)
            record_id = self.group_of[record_id]
        return record_id

    def examples(self, progress: Progress | None = None) -> list[Example]:
        found: list[Example] = []
        synthetic = [r for p in self.inputs.synthetic for r in read_jsonl(p) if r.get("kind") == "synthetic_plan"]
        for record in synthetic:
            if record.get("seed"):
                self.group_of.setdefault(record["id"], record["seed"])
        bar = progress.add_task("export", total=len(self.trajectories) + len(synthetic)) if progress else None
        for trajectory in self.trajectories:
            found += self._from_trajectory(trajectory)
            if progress is not None and bar is not None:
                progress.advance(bar)
        for record in synthetic:
            found += self._from_synthetic(record)
            if progress is not None and bar is not None:
                progress.advance(bar)
        kept = []
        for example in found:
            if sources.is_held_out(example.intent):
                self.drops[f"{example.role}: intent in the test split"] += 1
                continue
            kept.append(example)
        return kept

    def _context(self, trajectory: dict[str, Any], cot: bool) -> Context:
        settings = {k: v for k, v in (trajectory.get("context") or {}).items() if k in EPISODE_SETTINGS}
        return Context().replace(**{**settings, "cot": cot})

    def _from_trajectory(self, trajectory: dict[str, Any]) -> list[Example]:
        if trajectory.get("split", sources.TRAIN) == sources.TEST or (trajectory.get("task") or {}).get("split") == \
                sources.TEST:
            self.drops["trajectory from the test split"] += 1
            return []
        if not traj.succeeded(trajectory, self.min_score):
            self.drops["trajectory not successful"] += 1
            return []
        if sources.is_held_out(str((trajectory.get("task") or {}).get("intent", ""))):
            self.drops["trajectory: intent in the test split"] += 1  # the config's own text, placeholders and all
            return []
        state: AgentState = trajectory["state"]
        group, site, intent = trajectory["id"], traj.site(trajectory), traj.intent(trajectory)
        grounded = self.grounded.get(trajectory["id"])
        plans = self._plans_in_force(trajectory, grounded)
        source = "annotated" if grounded is not None else "recorded"
        examples: list[Example] = []

        def add(role: str, seen: AgentState, text: str, key: tuple[str, str, int] | None = None,
                call: dict[str, Any] | None = None) -> None:
            reasoning = self.reasoning.get(key) if key else None
            stage = ANNOTATED_BY[role] if grounded is not None else "collect"
            if self.cot and role != "replanner":
                if reasoning is None:
                    self.drops[f"{role}: no reasoning for the CoT export"] += 1
                    return
                text = f"<thinking>\n{reasoning}\n</thinking>\n\n{text}" if role == "planner" else reasoning
                stage = "cot"
            context = self._context(trajectory, self.cot and role != "replanner")
            tools = tool_schemas(context) if role == "executor" else []
            examples.append(Example(role, group, site, source, stage, build_messages(role, seen, context), text, call,
                                    tools, intent))

        # planner
        if grounded is not None:
            add("planner", {"intent": intent, "secret_names": list(state.get("secret_names", [])),
                            "observation": first_page(trajectory)}, grounded["plan_text"],  # type: ignore[typeddict-item]
                ("plan", grounded["id"], 0))
        else:
            moment = planner_moment(state)
            if moment is not None and moment.plan_written is not None:
                add("planner", moment.state, _render(moment.plan_written), ("plan", trajectory["id"], 0))
        # executor
        for index, step in enumerate(state.get("history", [])):
            if not step["ok"]:
                self.drops["executor: the action failed"] += 1
                continue
            moment = executor_moment(state, index)
            seen = dict(moment.state)
            if plans is not None and seen.get("plan") is not None:
                seen["plan"] = plans[index]
            call = {"name": step["action"], "arguments": step["args"]}
            add("executor", seen, "", ("action", trajectory["id"], index), call)  # type: ignore[arg-type]
        # replanner
        if grounded is not None:
            for t, record in sorted(self.replans.get(trajectory["id"], {}).items()):
                previous = _plan(GroundedPlan.from_json(record["previous"]))
                seen = {"intent": intent, "secret_names": list(state.get("secret_names", [])), "plan": previous,
                        "history": state["history"][: t + 1], "observation": page_after(state, t)}
                add("replanner", seen, record["plan_text"])  # type: ignore[arg-type]
            missing = max(0, len(state.get("history", [])) - 1 - len(self.replans.get(trajectory["id"], {})))
            if missing and (trajectory.get("context") or {}).get("mode", "plan_and_act") == "plan_and_act":
                self.drops["replanner: no replan for the action"] += missing
        else:
            for moment in replanner_moments(state):
                if moment.plan_written is not None:
                    add("replanner", moment.state, _render(moment.plan_written))
        return examples

    def _plans_in_force(self, trajectory: dict[str, Any], grounded: dict[str, Any] | None) -> list[Plan] | None:
        """The annotated plan each executor step would have seen: the grounded plan at 0, then the replan written
        after the previous action (or, where that replan was rejected, the last plan minus what is done)."""
        if grounded is None:
            return None
        mode = (trajectory.get("context") or {}).get("mode", "plan_and_act")
        current = GroundedPlan.from_json(grounded["plan"])
        replans = self.replans.get(trajectory["id"], {})
        plans = []
        for index in range(len(traj.history(trajectory))):
            if index and mode == "plan_and_act":
                record = replans.get(index - 1)
                current = GroundedPlan.from_json(record["plan"]) if record else remaining(current, index)
            plans.append(_plan(current))
        return plans

    def _from_synthetic(self, record: dict[str, Any]) -> list[Example]:
        if self.cot:
            self.drops["synthetic plan: no reasoning for the CoT export"] += 1
            return []
        page = self.pages.page_of(record)
        if page is None:
            self.drops["synthetic plan: its page is missing"] += 1
            return []
        group = self._root(record.get("seed", "") or record["id"])
        context = Context().replace(cot=False)
        seen = {"intent": record["intent"], "observation": page}
        return [Example("planner", group, str(record.get("site", "")), "synthetic", str(record.get("origin", "expand")),
                        build_messages("planner", seen, context), record["plan_text"], intent=record["intent"])]  # type: ignore[arg-type]


def _render(plan: Plan) -> str:
    """A plan as a training target: the canonical text of what the runtime parsed (not the model's raw text)."""
    return render_plan(plan["steps"], plan["notes"])


def openai_row(example: Example) -> dict[str, Any]:
    messages = openai_messages(example.messages)
    assistant: dict[str, Any] = {"role": "assistant", "content": example.text or None}
    if example.tool_call is not None:
        assistant["tool_calls"] = [{"id": "call_0", "type": "function",
                                    "function": {"name": example.tool_call["name"],
                                                 "arguments": json.dumps(example.tool_call["arguments"],
                                                                         ensure_ascii=False)}}]
        return {"messages": [*messages, assistant], "tools": example.tools, "parallel_tool_calls": False}
    assistant["content"] = example.text
    return {"messages": [*messages, assistant]}


def trl_row(example: Example) -> dict[str, Any]:
    completion: dict[str, Any] = {"role": "assistant", "content": example.text or ""}
    if example.tool_call is not None:
        completion["tool_calls"] = [{"type": "function", "function": {"name": example.tool_call["name"],
                                                                      "arguments": example.tool_call["arguments"]}}]
    return {"id": example.id, "group": example.group, "prompt": openai_messages(example.messages),
            "completion": [completion], "tools": json.dumps(example.tools, ensure_ascii=False)}


def split_groups(groups: Sequence[str], validation: float, seed: int) -> set[str]:
    """The groups that go to validation: a fixed fraction by a hash of (seed, group); with two or more groups,
    each side gets at least one."""
    ordered = sorted(set(groups), key=lambda g: hashlib.sha256(f"{seed}:{g}".encode()).hexdigest())
    if validation <= 0 or len(ordered) < 2:
        return set()
    count = min(len(ordered) - 1, max(1, round(validation * len(ordered))))
    return set(ordered[:count])


@dataclass
class ExportSummary:
    out: Path
    manifest: dict[str, Any]
    stats_path: Path


def export(inputs: ExportInputs, out: Path, *, validation: float = 0.1, seed: int = 0, min_score: float = 1.0,
           cot: bool = False, roles: Sequence[str] = ROLES, formats: Sequence[str] = FORMATS,
           progress: bool = True, console: Console | None = None) -> ExportSummary:
    exporter = Exporter(inputs, min_score=min_score, cot=cot)
    with Progress(disable=not progress, console=console, transient=True) as bar:
        examples = [e for e in exporter.examples(bar) if e.role in roles]
    validation_groups = split_groups([e.group for e in examples], validation, seed)
    out.mkdir(parents=True, exist_ok=True)
    files = []
    rows: dict[tuple[str, str], list[Example]] = defaultdict(list)
    for example in examples:
        rows[(example.role, "validation" if example.group in validation_groups else "train")].append(example)
    for role in roles:
        for split in SPLITS:
            chosen = rows.get((role, split), [])
            for fmt in formats:
                path = out / f"{role}.{fmt}.{split}.jsonl"
                count = write_jsonl(path, (openai_row(e) if fmt == "openai" else trl_row(e) for e in chosen))
                files.append({"path": path.name, "role": role, "format": fmt, "split": split, "rows": count,
                              "sha256": file_hash(path)})
    stats = _stats(examples, validation_groups, exporter.drops)
    manifest = {"kind": EXPORT_KIND, "version": 1, "prompt_version": runtime_prompt_version(),
                "files": files, "stats": stats, "cot": cot, "validation_fraction": validation, "seed": seed,
                "inputs": [{"path": str(p), "sha256": file_hash(Path(p))} for p in inputs.all()],
                "suite_has_splits": sources.has_splits()}
    write_json(out / "manifest.json", manifest)
    write_text(out / "stats.md", render_stats(stats, files))
    return ExportSummary(out, manifest, out / "stats.md")


def example_tokens(example: Example) -> tuple[int, int]:
    """(prompt, completion) tokens of an example in o200k, the one offline counter (`tools.tokens`): the prompt
    as a provider lays it out (tool schemas, then the messages), the completion as the answer's text and tool
    call. Another model's tokenizer counts somewhat differently; the totals size a run, they are not a bill."""
    prompt = tokens.prompt_text(openai_messages(example.messages), example.tools)
    completion = example.text + (json.dumps(example.tool_call, ensure_ascii=False) if example.tool_call else "")
    return tokens.count(prompt), tokens.count(completion)


def _stats(examples: list[Example], validation_groups: set[str], drops: Counter[str]) -> dict[str, Any]:
    by: dict[str, Counter[str]] = {"role": Counter(), "split": Counter(), "stage": Counter(), "site": Counter(),
                                   "source": Counter(), "tokens": Counter()}
    for example in examples:
        split = "validation" if example.group in validation_groups else "train"
        by["role"][example.role] += 1
        by["split"][f"{example.role}/{split}"] += 1
        by["stage"][f"{example.stage}/{example.role}"] += 1
        by["site"][f"{example.site or '?'}/{example.role}"] += 1
        by["source"][f"{example.source}/{example.role}"] += 1
        prompt, completion = example_tokens(example)
        by["tokens"][f"{example.role}/prompt"] += prompt
        by["tokens"][f"{example.role}/completion"] += completion
    by["tokens"]["total"] = sum(by["tokens"].values())
    groups = {e.group for e in examples}
    return {"examples": len(examples), **{k: dict(sorted(v.items())) for k, v in by.items()},
            "groups": {"train": len(groups - validation_groups), "validation": len(groups & validation_groups)},
            "drops": dict(sorted(drops.items()))}


def render_stats(stats: dict[str, Any], files: list[dict[str, Any]]) -> str:
    lines = ["# SFT export", "", f"{stats['examples']} examples; groups: {stats['groups']['train']} train, "
             f"{stats['groups']['validation']} validation (no group on both sides).", "", "## Files", "",
             "| file | rows |", "|---|---:|"]
    lines += [f"| {f['path']} | {f['rows']} |" for f in files if f["format"] == "openai"]
    for title, key in (("Examples per role and split", "split"),
                       ("Per stage (the one that wrote the answer) and role", "stage"), ("Per site and role", "site"),
                       ("Per source of the plans and role", "source"),
                       ("Tokens (o200k; prompts with their tool schemas)", "tokens"), ("Dropped, and why", "drops")):
        lines += ["", f"## {title}", "", "| | count |", "|---|---:|"]
        lines += [f"| {k} | {v} |" for k, v in stats[key].items()] or ["| (none) | 0 |"]
    return "\n".join(lines) + "\n"
