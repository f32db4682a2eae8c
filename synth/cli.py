"""`plan-and-act synth <stage>`: the synthetic-data pipeline as commands over JSONL files.

    plan-and-act synth demo --out data/demo                       # collect -> annotate -> replans -> export, offline
    plan-and-act synth collect --out traj.jsonl --limit 50        # reference policy over the training split
    plan-and-act synth annotate --in traj.jsonl --out plans.jsonl --teacher reference
    plan-and-act synth replans --in traj.jsonl --plans plans.jsonl --out replans.jsonl --teacher openai:gpt-4o
    plan-and-act synth expand --in plans.jsonl --out expanded.jsonl --n 10000 --teacher openai:gpt-4o
    plan-and-act synth queries --in plans.jsonl --out queries.jsonl --n 200 --teacher openai:gpt-4o
    plan-and-act synth failures --in runs/x/results-plan_and_act.jsonl --out failures.jsonl --classes classes.yaml
    plan-and-act synth augment --in plans.jsonl --classes classes.yaml --out augmented.jsonl --n 5000 --teacher ...
    plan-and-act synth cot --in plans.jsonl --trajectories traj.jsonl --out cot.jsonl --teacher ...
    plan-and-act synth export --trajectories traj.jsonl --plans plans.jsonl --replans replans.jsonl --out sft/

Every teacher stage takes any init_chat_model string (`--teacher`, or PLAN_AND_ACT_TEACHER) and `--base-url` for
an OpenAI-compatible server; reruns resume (run the same command again after a crash or a spent budget).
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from rich.console import Console

from cli.errors import CliError

Handler = Callable[[argparse.Namespace], Awaitable[int]]
console = Console(stderr=True, soft_wrap=True)  # paths and commands stay on one line


def _friendly(handler: Handler) -> Handler:
    """A stage that cannot run (bad input, a teacher that cannot answer) is a problem the user can fix: one line."""
    async def run(args: argparse.Namespace) -> int:
        from synth.runner import StageError

        try:
            return await handler(args)
        except StageError as exc:
            raise CliError(str(exc)) from exc

    return run


def _common(parser: argparse.ArgumentParser, *, teacher: bool, inputs: bool = True) -> None:
    if inputs:
        parser.add_argument("--in", dest="inputs", action="append", type=Path, required=True, metavar="JSONL",
                            help="input records (repeatable)")
    parser.add_argument("--out", type=Path, required=True, help="output JSONL; rejects, journal and manifest go "
                                                                 "beside it")
    parser.add_argument("--workers", type=int, default=4, help="units of work in flight at once (default 4)")
    parser.add_argument("--limit", type=int, default=None, help="read at most this many input records")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    if not teacher:
        return
    parser.add_argument("--teacher", default=os.environ.get("PLAN_AND_ACT_TEACHER", ""),
                        help="init_chat_model string (e.g. openai:gpt-4o), or 'reference' where the stage derives "
                             "data from reference solutions (env PLAN_AND_ACT_TEACHER)")
    parser.add_argument("--base-url", default=os.environ.get("PLAN_AND_ACT_TEACHER_BASE_URL", ""),
                        help="OpenAI-compatible server for the teacher (vLLM, Ollama, llama.cpp)")
    parser.add_argument("--temperature", type=float, default=0.0)
    parser.add_argument("--cache", type=Path, default=None,
                        help="directory of cached teacher replies (default: .teacher-cache beside --out)")
    parser.add_argument("--max-calls", type=int, default=None, help="stop after this many live teacher calls")
    parser.add_argument("--rounds", type=int, default=2,
                        help="times a reply that fails a check goes back to the teacher with the reason (default 2)")
    parser.add_argument("--retries", type=int, default=6, help="tries per call on 429/5xx/timeouts (default 6)")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per teacher call (default 120)")


def make_teacher_from(args: argparse.Namespace, *, required: bool = True) -> Any:
    from synth.teacher import RetryPolicy, make_teacher

    if not args.teacher:
        if not required:
            return None
        raise CliError(f"synth {args.stage}: no teacher given: pass --teacher (an init_chat_model string such as "
                       "openai:gpt-4o, or 'reference') or set PLAN_AND_ACT_TEACHER")
    cache = args.cache if args.cache is not None else args.out.parent / ".teacher-cache"
    return make_teacher(args.teacher, base_url=args.base_url, temperature=args.temperature, cache_dir=cache,
                        max_calls=args.max_calls, retry=RetryPolicy(attempts=max(1, args.retries),
                                                                   timeout_seconds=args.timeout))


def _check_supported(teacher: Any, kinds: tuple[str, ...], stage: str) -> None:
    for kind in kinds:
        if not teacher.supports(kind):
            raise CliError(f"synth {stage}: the {teacher.id} teacher cannot write {kind!r} data; pass a model with "
                           "--teacher (e.g. openai:gpt-4o)")


async def run_and_report(stage: Any, args: argparse.Namespace) -> int:
    from synth.runner import RunOptions, manifest_path, rejects_path, run_stage

    summary = await run_stage(stage, RunOptions(out=args.out, workers=args.workers, progress=not args.quiet,
                                                console=console))
    manifest = summary.manifest
    reasons = ", ".join(f"{k} {v}" for k, v in manifest["rejects_by_reason"].items())
    console.print(f"[bold]synth {stage.name}[/]: kept {summary.kept}, rejected {summary.rejected}"
                  + (f" ({reasons})" if reasons else ""))
    console.print(f"  output   {summary.out}\n  rejects  {rejects_path(summary.out)}\n"
                  f"  manifest {manifest_path(summary.out)}")
    for label, path in (manifest.get("side_outputs") or {}).items():
        console.print(f"  {label:<8} {path}")
    if not summary.complete:
        console.print(f"[yellow]stopped early: {summary.stopped}; run the same command again to continue[/]")
        return 3
    return 0


def _needs_synth_extra() -> None:
    try:
        import datasketch  # noqa: F401
        import rapidfuzz  # noqa: F401
    except ImportError as exc:
        raise CliError("the data pipeline needs the 'synth' extra: pip install 'plan-and-act[synth]'") from exc


async def cmd_expand(args: argparse.Namespace) -> int:
    _needs_synth_extra()
    from synth.stages.expand import Expand

    teacher = make_teacher_from(args)
    _check_supported(teacher, ("expand",), "expand")
    return await run_and_report(Expand(teacher, args.inputs, n=args.n, per_call=args.per_call,
                                       seeds_per_call=args.seeds_per_call, seed=args.seed, near=args.near,
                                       max_rounds=args.max_rounds, rounds=args.rounds, limit=args.limit), args)


async def cmd_queries(args: argparse.Namespace) -> int:
    _needs_synth_extra()
    from synth.stages.queries import Queries

    teacher = make_teacher_from(args)
    _check_supported(teacher, ("queries", "feasibility"), "queries")
    return await run_and_report(Queries(teacher, args.inputs, n=args.n, per_call=args.per_call,
                                        seeds_per_call=args.seeds_per_call, seed=args.seed, near=args.near,
                                        max_rounds=args.max_rounds, rounds=args.rounds, limit=args.limit), args)


async def cmd_annotate(args: argparse.Namespace) -> int:
    from synth.stages.annotate import Annotate

    return await run_and_report(Annotate(make_teacher_from(args), args.inputs, min_score=args.min_score,
                                         rounds=args.rounds, limit=args.limit), args)


async def cmd_replans(args: argparse.Namespace) -> int:
    from synth.stages.replans import Replans

    return await run_and_report(Replans(make_teacher_from(args), args.inputs, args.plans, rounds=args.rounds,
                                        limit=args.limit), args)


async def cmd_failures(args: argparse.Namespace) -> int:
    from synth.stages.failures import Failures

    teacher = make_teacher_from(args, required=False)
    if teacher is not None:
        _check_supported(teacher, ("propose_classes",), "failures")
    return await run_and_report(Failures(teacher, args.inputs, classes=args.classes, rounds=args.rounds,
                                         limit=args.limit), args)


async def cmd_augment(args: argparse.Namespace) -> int:
    _needs_synth_extra()
    from synth.stages.augment import Augment

    teacher = make_teacher_from(args)
    _check_supported(teacher, ("classify", "augment"), "augment")
    return await run_and_report(Augment(teacher, args.inputs, classes=args.classes, n=args.n, near=args.near,
                                        rounds=args.rounds, limit=args.limit), args)


async def cmd_cot(args: argparse.Namespace) -> int:
    from synth.stages.cot import ChainOfThought

    teacher = make_teacher_from(args)
    _check_supported(teacher, ("cot_plan", "cot_action"), "cot")
    return await run_and_report(ChainOfThought(teacher, args.inputs, args.trajectories or [], rounds=args.rounds,
                                               actions=not args.plans_only, limit=args.limit), args)


def _generation_options(parser: argparse.ArgumentParser, n: int) -> None:
    parser.add_argument("--n", type=int, default=n, help=f"how many distinct records to keep (default {n})")
    parser.add_argument("--per-call", type=int, default=10, help="new records asked for per call (default 10)")
    parser.add_argument("--seeds-per-call", type=int, default=5, help="seeds shown per call (default 5)")
    parser.add_argument("--seed", type=int, default=0, help="random seed for choosing seeds")
    parser.add_argument("--near", type=float, default=0.95, help="near-duplicate similarity threshold (0..1)")
    parser.add_argument("--max-rounds", type=int, default=5, help="top-up rounds when losses leave fewer than --n")


def register(subparsers: Any) -> None:
    """Add `synth <stage>` to the `plan-and-act` command."""
    synth = subparsers.add_parser("synth", help="the synthetic-data pipeline (collect, annotate, replans, expand, "
                                                "queries, failures, augment, cot, export, demo)",
                                  description=(__doc__ or "").strip(),
                                  formatter_class=argparse.RawDescriptionHelpFormatter)
    stages = synth.add_subparsers(dest="stage", required=True)

    def stage(name: str, handler: Handler, help_text: str, *, teacher: bool = True,
              inputs: bool = True) -> argparse.ArgumentParser:
        parser = stages.add_parser(name, help=help_text, description=help_text)
        _common(parser, teacher=teacher, inputs=inputs)
        parser.set_defaults(handler=_friendly(handler))
        return parser

    annotate = stage("annotate", cmd_annotate, "successful trajectories -> grounded plans (teacher or 'reference')")
    annotate.add_argument("--min-score", type=float, default=1.0, help="keep trajectories scored at least this")
    replans = stage("replans", cmd_replans, "trajectories + grounded plans -> one replan per action")
    replans.add_argument("--plans", action="append", type=Path, required=True, help="annotate's output")
    _generation_options(stage("expand", cmd_expand, "seed (intent, plan) pairs -> new pairs (the 10k expansion)"),
                        10_000)
    _generation_options(stage("queries", cmd_queries, "seed intents -> new feasible task intents"), 100)
    failures = stage("failures", cmd_failures, "a sweep's failed episodes -> report and failure classes (YAML)")
    failures.add_argument("--classes", type=Path, required=True,
                          help="failure classes YAML to write (an existing file is kept; the proposal goes beside it)")
    augment = stage("augment", cmd_augment, "training plans + failure classes -> similar plans per class")
    augment.add_argument("--classes", type=Path, required=True, help="failure classes YAML (see `synth failures`)")
    augment.add_argument("--n", type=int, default=5000, help="at most this many new plans (default 5000)")
    augment.add_argument("--near", type=float, default=0.95, help="near-duplicate similarity threshold (0..1)")
    cot = stage("cot", cmd_cot, "grounded plans (+ trajectories) -> reasoning for plans and actions")
    cot.add_argument("--trajectories", action="append", type=Path, default=None,
                     help="collect's output, for reasoning before each action")
    cot.add_argument("--plans-only", action="store_true", help="only reasoning for plans")
    register_episode_stages(stages)


def _policy(args: argparse.Namespace) -> Any:
    """Models when --model or a role's model flag is given (--model fills the roles not named), else the
    built-in policy (the reference solutions by default)."""
    from graph.context_flags import given_settings
    from harness.episode import PolicyChoice

    return PolicyChoice.from_settings(args.model, given_settings(args), args.policy)


def _collect_stage(args: argparse.Namespace, **overrides: Any) -> Any:
    import policies.providers  # noqa: F401  (model strings for the built-in policies)
    from graph.context import ContextError
    from graph.context_flags import context_from_flags
    from harness.episode import unattended
    from synth.stages.collect import Collect
    from synth.teacher import make_teacher

    try:
        settings = unattended(context_from_flags(args))
    except ContextError as exc:
        raise CliError(str(exc)) from exc
    judge = None
    if args.judge_model:
        judge = make_teacher(args.judge_model, base_url=args.judge_base_url,
                             cache_dir=args.out.parent / ".teacher-cache")
    return Collect(judge, args.inputs or [], policy=_policy(args), settings=settings, split=args.split,
                   task_ids=args.task or [], groups=args.group or [], repeats=args.repeats, limit=args.limit,
                   calls_dir=args.keep_calls, **overrides)


async def cmd_collect(args: argparse.Namespace) -> int:
    stage = _collect_stage(args)
    if args.ray:  # episodes on the cluster at RAY_ADDRESS; the journal and outputs stay here
        import functools

        from harness.ray_backend import RayStage, RayUnavailable

        try:
            stage = RayStage(stage, functools.partial(_collect_stage, args), args.workers)
            return await run_and_report(stage, args)
        except RayUnavailable as exc:
            raise CliError(str(exc)) from exc
    return await run_and_report(stage, args)


def _export_inputs(args: argparse.Namespace) -> Any:
    from synth.stages.export import ExportInputs

    return ExportInputs(trajectories=args.trajectories or [], plans=args.plans or [], replans=args.replans or [],
                        synthetic=args.synthetic or [], cot=args.cot or [])


def _print_export(summary: Any) -> None:
    stats = summary.manifest["stats"]
    console.print(f"[bold]synth export[/]: {stats['examples']} examples "
                  + ", ".join(f"{role} {count}" for role, count in stats["role"].items())
                  + f"; groups {stats['groups']['train']} train / {stats['groups']['validation']} validation")
    console.print(f"  directory {summary.out}\n  manifest  {summary.out / 'manifest.json'}\n  stats     "
                  f"{summary.stats_path}")


async def cmd_export(args: argparse.Namespace) -> int:
    from synth.stages.export import export

    inputs = _export_inputs(args)
    missing = [str(p) for p in inputs.all() if not Path(p).exists()]
    if missing:
        raise CliError(f"synth export: input file not found: {', '.join(missing)}")
    if not inputs.trajectories and not inputs.synthetic:
        raise CliError("synth export: nothing to export: pass --trajectories and/or --synthetic")
    summary = export(inputs, args.out, validation=args.validation, seed=args.seed, min_score=args.min_score,
                     cot=args.cot_only, roles=args.roles, formats=args.formats, progress=not args.quiet,
                     console=console)
    _print_export(summary)
    return 0


async def cmd_demo(args: argparse.Namespace) -> int:
    from synth.demo import run_demo

    return await run_demo(args, console)


def _list(text: str, allowed: tuple[str, ...]) -> list[str]:
    items = [item.strip() for item in text.split(",") if item.strip()]
    unknown = set(items) - set(allowed)
    if unknown or not items:
        raise argparse.ArgumentTypeError(f"choose from {', '.join(allowed)}")
    return items


def _collect_options(parser: argparse.ArgumentParser) -> None:
    from graph.context_flags import add_context_flags

    parser.add_argument("--split", default="train", help="suite split to collect on (default train)")
    parser.add_argument("--task", action="append", default=None, help="only this task id (repeatable)")
    parser.add_argument("--group", action="append", default=None, help="only this site group (repeatable)")
    parser.add_argument("--repeats", type=int, default=1, help="episodes per task (each its own trajectory)")
    parser.add_argument("--policy", choices=("oracle", "stop-at-once"), default="oracle",
                        help="built-in policy when no model is given (default: the reference solutions)")
    parser.add_argument("--model", default="", help="init_chat_model string for every role (a real policy)")
    parser.add_argument("--judge-model", default="", help="outcome judge for tasks without an evaluator "
                                                           "(generated queries) and for fuzzy_match checks")
    parser.add_argument("--judge-base-url", default="", help="OpenAI-compatible server for the judge")
    parser.add_argument("--keep-calls", type=Path, default=None,
                        help="directory to keep every episode's recorded model calls in (<thread_id>.jsonl)")
    add_context_flags(parser)


def _export_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--trajectories", action="append", type=Path, help="collect's output")
    parser.add_argument("--plans", action="append", type=Path, help="annotate's output")
    parser.add_argument("--replans", action="append", type=Path, help="replans' output")
    parser.add_argument("--synthetic", action="append", type=Path, help="expand's or augment's output")
    parser.add_argument("--cot", action="append", type=Path, help="cot's output (with --cot-only)")
    parser.add_argument("--cot-only", action="store_true", help="write chain-of-thought examples only")
    parser.add_argument("--validation", type=float, default=0.1, help="fraction of groups for validation")
    parser.add_argument("--seed", type=int, default=0, help="seed of the train/validation split")
    parser.add_argument("--min-score", type=float, default=1.0, help="trajectories scored below are not exported")
    parser.add_argument("--roles", type=lambda t: _list(t, ("planner", "executor", "replanner")),
                        default=["planner", "executor", "replanner"])
    parser.add_argument("--formats", type=lambda t: _list(t, ("openai", "trl")), default=["openai", "trl"])


def register_episode_stages(stages: Any) -> None:
    collect = stages.add_parser("collect", help="run a policy over the training split (or generated queries)")
    collect.add_argument("--in", dest="inputs", action="append", type=Path, default=None, metavar="JSONL",
                         help="generated queries (synth queries) instead of the suite's tasks")
    collect.add_argument("--out", type=Path, required=True)
    collect.add_argument("--workers", type=int, default=2, help="episodes at once (default 2)")
    collect.add_argument("--limit", type=int, default=None, help="at most this many tasks")
    collect.add_argument("--quiet", action="store_true")
    collect.add_argument("--ray", action="store_true", help="run the episodes on the Ray cluster at RAY_ADDRESS "
                                                             "(--workers actors); rerun to finish an interrupted run")
    _collect_options(collect)
    collect.set_defaults(handler=_friendly(cmd_collect))

    export = stages.add_parser("export", help="SFT files for planner, executor and replanner (OpenAI and TRL)")
    export.add_argument("--out", type=Path, required=True, help="output directory")
    export.add_argument("--quiet", action="store_true")
    _export_options(export)
    export.set_defaults(handler=_friendly(cmd_export))

    demo = stages.add_parser("demo", help="offline: collect -> annotate -> replans -> export on a slice of the "
                                          "training split, reference policy and teacher")
    demo.add_argument("--out", type=Path, default=Path("synth-demo"), help="directory for every file")
    demo.add_argument("--limit", type=int, default=6, help="tasks in the slice (default 6)")
    demo.add_argument("--group", action="append", default=None, help="only these site groups")
    demo.add_argument("--workers", type=int, default=2)
    demo.add_argument("--quiet", action="store_true")
    demo.set_defaults(handler=_friendly(cmd_demo))
