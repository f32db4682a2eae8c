"""`plan-and-act-bench grid`: planner models crossed with executor models on the same tasks (the paper's Table 1).

    plan-and-act-bench grid --tasks 14,25,161 \\
        --planner none \\
        --planner base=openai:Qwen/Qwen2.5-7B-Instruct@http://127.0.0.1:8000/v1 \\
        --planner tuned=openai:planner@http://127.0.0.1:8000/v1 \\
        --executor base=openai:Qwen/Qwen2.5-7B-Instruct@http://127.0.0.1:8000/v1 \\
        --executor tuned=openai:executor@http://127.0.0.1:8000/v1 \\
        --benchmarks-section grid-qwen7b

Each `--planner`/`--executor` is `LABEL=MODEL[@BASE_URL]`: an init_chat_model string, optionally behind an
OpenAI-compatible server (vLLM with `--lora-modules planner=... executor=...`, or `plan-and-act serve-model`).
`--planner none` adds the executor-alone row (ReAct mode). The replanner is the row's planner model. Every cell
is a sweep of the same tasks with the same settings, so differences come from the models alone; each cell
keeps its results and HTML report under the run directory, and the table can go into BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.benchmarks_md import update_section
from bench.report import write_report
from bench.results import Tally, tally, write_jsonl
from bench.selection import select
from bench.sweep import sweep
from graph.context_flags import add_context_flags, context_from_flags
from graph.models import load_chat_model
from harness.episode import EpisodeResult, PolicyChoice
from webenv.judges import OfflineJudge
from webenv.tasks.suite import load_suite

NO_PLANNER = "none"
# The grid decides which model and server each role uses; these settings are not flags of this command.
_ROLE_SETTINGS = ("planner_model", "executor_model", "replanner_model", "base_url", "planner_base_url",
                  "executor_base_url", "replanner_base_url")


class GridError(ValueError):
    """A --planner/--executor value that cannot be used; the message shows the expected form."""


@dataclass(frozen=True)
class ModelSpec:
    label: str
    model: str  # init_chat_model string; "" for the no-planner row
    base_url: str = ""


def parse_spec(text: str, role: str) -> ModelSpec:
    """`LABEL=MODEL[@BASE_URL]`, or `none` for the planner (executor alone)."""
    if role == "planner" and text.strip() == NO_PLANNER:
        return ModelSpec(NO_PLANNER, "")
    label, sep, rest = text.partition("=")
    model, at, url = rest.rpartition("@")
    if not at or not url.startswith(("http://", "https://")):
        model, url = rest, ""
    if not sep or not label.strip() or not model.strip():
        raise GridError(f"--{role} takes LABEL=MODEL[@BASE_URL] (e.g. tuned=openai:{role}@http://127.0.0.1:8000/v1)"
                        + (" or 'none'" if role == "planner" else "") + f", not {text!r}")
    return ModelSpec(label.strip(), model.strip(), url.strip().rstrip("/"))


def _unique(specs: list[ModelSpec], role: str) -> list[ModelSpec]:
    labels = [spec.label for spec in specs]
    repeated = sorted({label for label in labels if labels.count(label) > 1})
    if repeated:
        raise GridError(f"--{role} labels must differ; repeated: {', '.join(repeated)}")
    return specs


@dataclass
class Cell:
    planner: ModelSpec
    executor: ModelSpec
    results: list[EpisodeResult]

    @property
    def tally(self) -> Tally:
        return tally(f"{self.planner.label} / {self.executor.label}", self.results)

    def tokens(self, role: str) -> int:
        return sum(int(r.usage.get(role, {}).get(key, 0)) for r in self.results
                   for key in ("input_tokens", "output_tokens"))


def _cell_settings(args: argparse.Namespace, planner: ModelSpec, executor: ModelSpec) -> Any:
    role_settings: dict[str, Any] = {"executor_model": executor.model, "executor_base_url": executor.base_url}
    if planner.label == NO_PLANNER:
        role_settings["mode"] = "react"
    else:
        role_settings.update(planner_model=planner.model, planner_base_url=planner.base_url)
    return context_from_flags(args, **role_settings)


def _slug(text: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in text)


async def run_grid(args: argparse.Namespace, planners: list[ModelSpec], executors: list[ModelSpec],
                   out: Path) -> list[Cell]:
    import policies.providers  # noqa: F401  (model-string prefixes, should a cell use a built-in policy)

    tasks = select(load_suite(), ids=args.tasks, groups=args.group or (), sample=args.sample)
    judge = load_chat_model(args.judge_model, role="planner") if args.judge_model else OfflineJudge()
    cells = []
    for planner in planners:
        for executor in executors:
            settings = _cell_settings(args, planner, executor)
            policy = PolicyChoice.models(planner=planner.model or executor.model, executor=executor.model)
            results = await sweep(tasks, policy, settings, workers=args.workers, judge=judge)
            cell_dir = out / f"{_slug(planner.label)}__{_slug(executor.label)}"
            write_jsonl(results, cell_dir / f"results-{settings.mode}.jsonl")
            write_report(results, cell_dir / f"report-{settings.mode}.html",
                         f"planner {planner.label} / executor {executor.label} ({settings.mode})")
            cells.append(Cell(planner, executor, results))
    return cells


def grid_table(cells: list[Cell]) -> str:
    """Success rates, planners down and executors across (as the paper prints them), then every cell's detail."""
    planners = list(dict.fromkeys(cell.planner.label for cell in cells))
    executors = list(dict.fromkeys(cell.executor.label for cell in cells))
    by_pair = {(cell.planner.label, cell.executor.label): cell for cell in cells}

    def name(label: str) -> str:
        return "none (executor alone)" if label == NO_PLANNER else label

    lines = ["| planner \\ executor | " + " | ".join(executors) + " |", "|---|" + "---:|" * len(executors)]
    for planner in planners:
        row = [f"{by_pair[(planner, e)].tally.rate:.1f} ({by_pair[(planner, e)].tally.passed}/"
               f"{by_pair[(planner, e)].tally.total})" for e in executors]
        lines.append(f"| {name(planner)} | " + " | ".join(row) + " |")
    lines += ["", "| planner | executor | n | passed | success % | mean steps | planner tokens | executor tokens "
                  "| errors |", "|---|---|---:|---:|---:|---:|---:|---:|---:|"]
    for cell in cells:
        t = cell.tally
        errors = sum(r.status == "error" for r in cell.results)
        planner_tokens = cell.tokens("planner") + cell.tokens("replanner")
        lines.append(f"| {name(cell.planner.label)} | {cell.executor.label} | {t.total} | {t.passed} | "
                     f"{t.rate:.1f} | {t.mean_steps:.1f} | {planner_tokens} | {cell.tokens('executor')} | {errors} |")
    for role in ("planner", "executor"):
        specs = {getattr(cell, role).label: getattr(cell, role) for cell in cells if getattr(cell, role).model}
        described = [f"`{label}` = `{spec.model}`" + (f" at {spec.base_url}" if spec.base_url else "")
                     for label, spec in specs.items()]
        lines.append(("" if role == "executor" else "\n") + f"{role.capitalize()}s: " + "; ".join(described) + "  ")
    return "\n".join(lines)


def cmd_grid(args: argparse.Namespace) -> int:
    try:
        planners = _unique([parse_spec(text, "planner") for text in args.planner], "planner")
        executors = _unique([parse_spec(text, "executor") for text in args.executor], "executor")
    except GridError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    out = Path(args.out) if args.out else Path("runs") / f"{stamp}-grid"
    started = time.monotonic()
    cells = asyncio.run(run_grid(args, planners, executors, out))
    minutes = (time.monotonic() - started) / 60
    table = grid_table(cells)
    print(table)
    print(f"results: {out}/<planner>__<executor>/")
    if args.benchmarks_section:
        mode = context_from_flags(args).mode
        update_section(Path(args.benchmarks_md), args.benchmarks_section,
                       f"`plan-and-act-bench {' '.join(sys.argv[1:])}` — {dt.date.today().isoformat()}, "
                       f"{len(cells[0].results) if cells else 0} tasks per cell, mode {mode} (none row: react), "
                       f"{minutes:.1f} min wall clock\n\n{table}")
    return 1 if any(r.status == "error" for cell in cells for r in cell.results) else 0


def register(commands: Any) -> None:
    """Add `grid` to `plan-and-act-bench`'s subparsers."""
    grid = commands.add_parser("grid", help="planner models x executor models on the same tasks (paper Table 1)",
                               description=(__doc__ or "").split("\n\n")[0])
    grid.add_argument("--planner", action="append", required=True, metavar="LABEL=MODEL[@URL]|none",
                      help="a planner (and replanner) model; repeat for rows; 'none' = executor alone")
    grid.add_argument("--executor", action="append", required=True, metavar="LABEL=MODEL[@URL]",
                      help="an executor model; repeat for columns")
    grid.add_argument("--judge-model", default="", help="fuzzy_match judge (default: offline judge)")
    grid.add_argument("--tasks", default="", help="task ids, e.g. 0-9,15")
    grid.add_argument("--group", action="append", help="site group(s): shopping, reddit, ..., multi")
    grid.add_argument("--sample", action="store_true", help="one task per site group and eval type")
    grid.add_argument("--workers", type=int, default=2)
    grid.add_argument("--out", default="", help="run directory (default runs/<time>-grid)")
    grid.add_argument("--benchmarks-section", default="", help="write the table into BENCHMARKS.md")
    grid.add_argument("--benchmarks-md", default="BENCHMARKS.md")
    add_context_flags(grid, exclude=_ROLE_SETTINGS)
    grid.set_defaults(handler=cmd_grid)
