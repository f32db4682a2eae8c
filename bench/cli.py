"""`plan-and-act-bench`: sweeps over the embedded suite, the paper's ablation table, and the suite as JSON.

    plan-and-act-bench sweep --policy oracle                 # every task through the real graph (should be 100%)
    plan-and-act-bench sweep --policy stop-at-once           # the floor (should be 0%)
    plan-and-act-bench sweep --policy constant-answer        # guessing without browsing (floor: <= 1%)
    plan-and-act-bench sweep --policy page-dump              # answering with every page seen (floor: <= 1%)
    plan-and-act-bench sweep --split train --policy oracle   # the training pool
    plan-and-act-bench sweep --model openai:gpt-4o-mini      # a real model
    plan-and-act-bench ablation --model openai:gpt-4o-mini   # react / plan / plan_and_act, one table
    plan-and-act-bench export tasks.json [--split train]     # the suite in WebArena's config format
    plan-and-act-bench observation                           # observation vs aria snapshot: speed, recall
    plan-and-act-bench serve --port-base 8080                # the embedded sites for you or a model, until Ctrl-C
    plan-and-act-bench webarena test_webarena_lite.raw.json --site __SHOPPING__=http://host:7770 ... --model M
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from bench.benchmarks_md import update_section
from bench.parallel import EPISODE_ACTIONS
from bench.report import write_report
from bench.results import append_jsonl, failures, read_jsonl, summary_table, template_table, write_jsonl
from bench.selection import select
from bench.serve import add_serve_command
from bench.sweep import ResultHook, SweepAborted, sweep
from cli.logs import add_verbose_flag, configure_logging
from cli.plugins import add_plugin_commands
from cli.signals import sigterm_interrupts
from graph.context import MODES, Context, ContextError
from graph.context_flags import add_context_flags, context_from_flags, given_settings
from graph.models import ModelConfigError, load_chat_model
from harness.episode import POLICY_KINDS, EpisodeResult, PolicyChoice, unattended
from harness.ray_backend import RaySweep, RayUnavailable, sweep_on_ray
from harness.viewer import PriceError, Prices, add_price_flag
from nodes.model_calls import probe_role
from webenv.judges import OfflineJudge
from webenv.tasks.authoring import SPLITS
from webenv.tasks.suite import export_suite, load_suite


def _policy(args: argparse.Namespace) -> PolicyChoice:
    return PolicyChoice.from_settings(args.model, given_settings(args), args.policy or "oracle")


def _settings(args: argparse.Namespace, out: Path, mode: str | None = None) -> Context:
    """The user's run settings; the command adds only the run directory's screenshot folder and, in an ablation,
    the mode."""
    overrides: dict[str, object] = {}
    if args.screenshots:
        overrides["screenshots_dir"] = str(out / "screenshots")
    if mode is not None:
        overrides["mode"] = mode
    return unattended(context_from_flags(args, **overrides))


_warned_offline_judge = False


def _judge(args: argparse.Namespace):
    global _warned_offline_judge
    if not args.judge_model:
        if _policy(args).kind == "models" and not _warned_offline_judge:
            _warned_offline_judge = True
            print("warning: no --judge-model, so fuzzy_match checks (published WebArena configs) use the offline "
                  "judge, which accepts only answers containing the reference words; the embedded suite's strict "
                  "checks need no judge", file=sys.stderr)
        return OfflineJudge()
    return load_chat_model(args.judge_model, base_url=given_settings(args).get("base_url", ""), role="planner")


def _run_dir(args: argparse.Namespace, label: str) -> Path:
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    return Path(args.out) if args.out else Path("runs") / f"{stamp}-{label.replace(':', '_').replace('/', '_')}"


async def _probe(policy: PolicyChoice, settings: Context) -> None:
    """A real model that cannot answer fails the sweep before any episode starts (ModelConfigError says why)."""
    if policy.kind != "models":
        return
    context = settings.replace(**policy.model_settings())
    for role in context.roles():
        await probe_role(context, role)


async def _run_sweep(args: argparse.Namespace, settings: Context, out: Path,
                     run: Callable[[set[int], ResultHook], Awaitable[list[EpisodeResult]]]) -> list[EpisodeResult]:
    """Write each result the moment its episode ends; with --resume keep the scored results already in `out` and
    run only the rest. Returns every result (kept and new), and leaves the JSONL and the HTML report."""
    import policies.providers  # noqa: F401  (model-string prefixes for the policies)

    policy = _policy(args)
    await _probe(policy, settings)
    path = _results_path(out, settings.mode)
    title = f"{policy.label} / {settings.mode}"
    kept = [r for r in read_jsonl(path) if r.scored] if args.resume and path.exists() else []
    write_jsonl(kept, path)
    try:
        new = await run({r.task_id for r in kept}, lambda result: append_jsonl(result, path))
    except SweepAborted:  # the model kept failing: report what finished before saying why it stopped
        _report_finished(out, settings.mode, f"{title} (stopped)", args.prices)
        raise
    results = sorted([*kept, *new], key=lambda r: r.task_id)
    _save(results, out, settings.mode, title, args.prices)
    return results


async def _sweep_once(args: argparse.Namespace, settings: Context, out: Path) -> list[EpisodeResult]:
    tasks = select(load_suite(args.split), ids=args.tasks, groups=args.group or (), sample=args.sample)
    policy = _policy(args)

    async def run(done: set[int], on_result: ResultHook) -> list[EpisodeResult]:
        todo = [t for t in tasks if t.task_id not in done]
        if args.ray:  # the Ray backend keeps its own per-job results (rerun the same --out to finish)
            return await sweep_on_ray(todo, policy, settings, RaySweep(out, args.workers, args.judge_model,
                                                                       given_settings(args).get("base_url", "")))
        return await sweep(todo, policy, settings, workers=args.workers, judge=_judge(args), on_result=on_result)

    return await _run_sweep(args, settings, out, run)


def _results_path(out: Path, mode: str) -> Path:
    return out / f"results-{mode}.jsonl"


def _save(results: list[EpisodeResult], out: Path, mode: str, title: str, prices: Prices | None = None) -> None:
    """Every sweep leaves the same two files: one JSON line per episode, and the HTML report."""
    write_jsonl(results, _results_path(out, mode))
    write_report(results, out / f"report-{mode}.html", title, prices)


def _report_finished(out: Path, mode: str, title: str, prices: Prices | None = None) -> list[EpisodeResult]:
    """A sweep that stops early (Ctrl-C, a failing model) still leaves the report and the table of the episodes
    that finished: they are on disk as they ended."""
    path = _results_path(out, mode)
    results = read_jsonl(path) if path.exists() else []
    _save(results, out, mode, title, prices)
    print(summary_table(results))
    return results


def _interrupted(out: Path, mode: str, title: str) -> int:
    """Ctrl-C: what finished is on disk; say so, report it, and say how to go on."""
    results = _report_finished(out, mode, title + " (interrupted)")
    print(f"interrupted after {len(results)} episodes; their results are in {_results_path(out, mode)}. Continue "
          f"with the same command plus --out {out} --resume", file=sys.stderr)
    return 130


def cmd_sweep(args: argparse.Namespace) -> int:
    policy = _policy(args)
    out = _run_dir(args, f"{policy.label}")
    settings = _settings(args, out)
    started = time.monotonic()
    try:
        results = asyncio.run(_sweep_once(args, settings, out))
    except KeyboardInterrupt:
        return _interrupted(out, settings.mode, f"{policy.label} / {settings.mode}")
    elapsed = time.monotonic() - started
    templates = {task.task_id: task.template_id for task in load_suite(args.split)}
    table = summary_table(results) + "\n\nPer intent template:\n\n" + template_table(results, templates)
    print(table)
    for line in failures(results):
        print("  " + line)
    print(f"results: {_results_path(out, settings.mode)}  report: {out}/report-{settings.mode}.html")
    if args.benchmarks_section:
        command = " ".join(["plan-and-act-bench", *sys.argv[1:]])
        update_section(Path(args.benchmarks_md), args.benchmarks_section,
                       f"`{command}` — {dt.date.today().isoformat()}, policy {policy.label}, mode {settings.mode}, "
                       f"{args.split} split, "
                       f"{len(results)} tasks in {elapsed / 60:.1f} min wall clock ({args.workers} workers, "
                       f"2-core machine), judge {args.judge_model or 'offline containment judge'}\n\n{table}")
    errors = [r for r in results if not r.scored]
    if errors:
        print(f"error: {len(errors)} episode(s) ended by infrastructure errors (not scored); first: "
              f"{errors[0].error}", file=sys.stderr)
    return 0 if not errors else 1


def cmd_ablation(args: argparse.Namespace) -> int:
    """The paper's rows for one model: executor alone, plan once, replan after every action."""
    policy = _policy(args)
    out = _run_dir(args, f"ablation-{policy.label}")
    rows = ["| mode | n | passed | success % | mean steps |", "|---|---:|---:|---:|---:|"]
    for mode in MODES:
        try:
            results = asyncio.run(_sweep_once(args, _settings(args, out, mode), out))
        except KeyboardInterrupt:
            return _interrupted(out, mode, f"{policy.label} / {mode}")
        passed = sum(r.passed for r in results)
        steps = sum(r.steps for r in results) / max(1, len(results))
        rows.append(f"| {mode} | {len(results)} | {passed} | {100 * passed / max(1, len(results)):.1f} | {steps:.1f} |")
    table = "\n".join(rows)
    print(table)
    if args.benchmarks_section:
        update_section(Path(args.benchmarks_md), args.benchmarks_section,
                       f"`plan-and-act-bench {' '.join(sys.argv[1:])}` — {dt.date.today().isoformat()}\n\n{table}")
    return 0


def cmd_perf(args: argparse.Namespace) -> int:
    import policies.providers  # noqa: F401
    from bench.perf import observation_stats, perf_report, step_overhead

    start_seconds, pages = asyncio.run(observation_stats(args.repeats))
    report = perf_report(start_seconds, pages, asyncio.run(step_overhead(args.episodes)))
    print(report)
    if args.benchmarks_section:
        update_section(Path(args.benchmarks_md), args.benchmarks_section,
                       f"`plan-and-act-bench {' '.join(sys.argv[1:])}` — {dt.date.today().isoformat()}\n\n{report}")
    return 0


def _publish(args: argparse.Namespace, text: str) -> None:
    """Print a benchmark's report and, with --benchmarks-section, write it with the command that made it."""
    print(text)
    if args.benchmarks_section:
        update_section(Path(args.benchmarks_md), args.benchmarks_section,
                       f"`plan-and-act-bench {' '.join(sys.argv[1:])}` — {dt.date.today().isoformat()}\n\n{text}")


def cmd_overhead(args: argparse.Namespace) -> int:
    import policies.providers  # noqa: F401
    from bench.overhead import measure, overhead_report

    _publish(args, overhead_report(asyncio.run(measure(args.steps)), os.getloadavg()))
    return 0


def cmd_parallel(args: argparse.Namespace) -> int:
    import policies.providers  # noqa: F401
    from bench.parallel import measure, parallel_report

    report = asyncio.run(measure(args.episodes, args.latency, args.mode, args.actions or None, args.sites_process,
                                 args.jitter))
    _publish(args, parallel_report(report, os.getloadavg()))
    return 0


def cmd_observation(args: argparse.Namespace) -> int:
    from bench.observation_bench import observation_benchmark, report

    before = os.getloadavg()[0]
    results = asyncio.run(observation_benchmark(args.repeats))
    text = report(results, (before, os.getloadavg()[0]))
    print(text)
    if args.benchmarks_section:
        update_section(Path(args.benchmarks_md), args.benchmarks_section,
                       f"`plan-and-act-bench {' '.join(sys.argv[1:])}` — {dt.date.today().isoformat()}\n\n{text}")
    return 0


def cmd_checkpoints(args: argparse.Namespace) -> int:
    import policies.providers  # noqa: F401
    from bench.checkpoints import growth_report, longest_tasks, measure

    async def run() -> str:
        return growth_report([await measure(task) for task in longest_tasks(args.count)])

    report = asyncio.run(run())
    print(report)
    if args.benchmarks_section:
        update_section(Path(args.benchmarks_md), args.benchmarks_section,
                       f"`plan-and-act-bench {' '.join(sys.argv[1:])}` — {dt.date.today().isoformat()}: checkpoint "
                       "size (SQLite, as stored) against actions taken, oracle on the suite's longest tasks.\n\n"
                       + report)
    return 0


def _site_urls(pairs: list[str]) -> dict[str, str]:
    urls = {}
    for pair in pairs:
        placeholder, sep, url = pair.partition("=")
        if not sep or not placeholder.startswith("__"):
            raise SystemExit(f"error: --site takes __PLACEHOLDER__=URL, not {pair!r}")
        urls[placeholder] = url.rstrip("/")
    return urls


def cmd_webarena(args: argparse.Namespace) -> int:
    """Published WebArena configs, unchanged, against sites the user runs (e.g. real WebArena)."""
    import policies.providers  # noqa: F401
    from bench.sweep import sweep_setups
    from harness.webarena import WebArenaSetupError, webarena_setup
    from webenv.tasks.config import load_tasks

    policy = _policy(args)
    configs = load_tasks(args.configs)
    if args.tasks:
        from bench.selection import parse_ids

        wanted = parse_ids(args.tasks)
        configs = [c for c in configs if c.task_id in wanted]
    try:
        setups = [webarena_setup(c, _site_urls(args.site), policy, Path(args.auth_dir) if args.auth_dir else None)
                  for c in configs]
    except WebArenaSetupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    out = _run_dir(args, f"webarena-{policy.label}")
    settings = _settings(args, out)

    async def run(done: set[int], on_result: ResultHook) -> list[EpisodeResult]:
        return await sweep_setups([s for s in setups if int(s.config.task_id or 0) not in done], policy, settings,
                                  workers=args.workers, judge=_judge(args), on_result=on_result)

    try:
        results = asyncio.run(_run_sweep(args, settings, out, run))
    except KeyboardInterrupt:
        return _interrupted(out, settings.mode, f"WebArena: {policy.label} / {settings.mode}")
    print(summary_table(results))
    print(f"results: {out}/results-{settings.mode}.jsonl  report: {out}/report-{settings.mode}.html")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    count = export_suite(Path(args.path), args.split)
    print(f"wrote {count} {args.split} tasks to {args.path}")
    return 0


def _benchmarks_md_flags(command: argparse.ArgumentParser) -> None:
    """The pair every measuring command takes: which BENCHMARKS.md section to write, in which file."""
    command.add_argument("--benchmarks-section", default="", help="write the table into BENCHMARKS.md")
    command.add_argument("--benchmarks-md", default="BENCHMARKS.md")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="plan-and-act-bench", description=__doc__.splitlines()[0])
    add_verbose_flag(parser)
    commands = parser.add_subparsers(dest="command", required=True)
    for name, handler in (("sweep", cmd_sweep), ("ablation", cmd_ablation)):
        command = commands.add_parser(name)
        add_verbose_flag(command, subcommand=True)
        command.add_argument("--policy", choices=POLICY_KINDS, default="oracle")
        command.add_argument("--model", default="", help="a real model for every role (init_chat_model string)")
        command.add_argument("--judge-model", default="", help="fuzzy_match judge (default: offline judge)")
        command.add_argument("--split", choices=SPLITS, default="test", help="the test suite or the training pool")
        command.add_argument("--tasks", default="", help="task ids, e.g. 0-9,15")
        command.add_argument("--group", action="append", help="site group(s): shopping, reddit, ..., multi")
        command.add_argument("--sample", action="store_true", help="one task per site group and eval type")
        command.add_argument("--workers", type=int, default=2)
        command.add_argument("--screenshots", action="store_true", help="screenshots in the HTML report")
        add_price_flag(command)
        command.add_argument("--out", default="", help="run directory (default runs/<time>-<policy>)")
        command.add_argument("--resume", action="store_true",
                             help="keep the scored results already in --out and run only the missing tasks")
        _benchmarks_md_flags(command)
        command.add_argument("--ray", action="store_true", help="run the episodes on the Ray cluster at RAY_ADDRESS "
                             "(--workers actors; rerun with the same --out to finish an interrupted run)")
        add_context_flags(command)
        command.set_defaults(handler=handler)
    webarena = commands.add_parser("webarena", help="published WebArena configs against your own sites")
    webarena.add_argument("configs", help="a WebArena config JSON file (e.g. test_webarena_lite.raw.json)")
    webarena.add_argument("--site", action="append", default=[], help="__PLACEHOLDER__=URL (repeat per site)")
    webarena.add_argument("--auth-dir", default="", help="directory with WebArena's .auth/*_state.json files")
    webarena.add_argument("--policy", choices=("stop-at-once",), default=None)
    webarena.add_argument("--model", default="", help="a real model for every role (init_chat_model string)")
    webarena.add_argument("--judge-model", default="")
    webarena.add_argument("--tasks", default="")
    webarena.add_argument("--workers", type=int, default=1)
    webarena.add_argument("--screenshots", action="store_true")
    add_verbose_flag(webarena, subcommand=True)
    add_price_flag(webarena)
    webarena.add_argument("--out", default="")
    webarena.add_argument("--resume", action="store_true", help="run only the tasks missing from --out")
    add_context_flags(webarena)
    webarena.set_defaults(handler=cmd_webarena)
    perf = commands.add_parser("perf", help="observation latency/size per site and the graph's overhead per step")
    perf.add_argument("--repeats", type=int, default=15)
    perf.add_argument("--episodes", type=int, default=12)
    _benchmarks_md_flags(perf)
    perf.set_defaults(handler=cmd_perf)
    overhead = commands.add_parser(
        "overhead", help="the framework's cost per step, layer by layer, against a bare Playwright loop")
    overhead.add_argument("--steps", type=int, default=30, help="at least this many steps timed per layer")
    _benchmarks_md_flags(overhead)
    overhead.set_defaults(handler=cmd_overhead)
    parallel = commands.add_parser(
        "parallel", help="episodes one at a time against all at once, with a slow model: wall time and processes")
    parallel.add_argument("--episodes", type=int, default=8)
    parallel.add_argument("--latency", type=float, default=1.0, help="seconds the model takes per answer")
    parallel.add_argument("--jitter", type=float, default=0.0,
                          help="each answer takes latency times 1 ± up to this fraction (seeded; default fixed)")
    parallel.add_argument("--mode", choices=("react", "plan", "plan_and_act"), default="plan_and_act")
    parallel.add_argument("--actions", type=int, default=EPISODE_ACTIONS,
                          help="episodes whose reference takes this many actions (0: the first tasks, mixed lengths)")
    parallel.add_argument("--sites-process", action="store_true",
                          help="serve the sites from a child process, as separate servers (default: threads here)")
    _benchmarks_md_flags(parallel)
    parallel.set_defaults(handler=cmd_parallel)
    observation = commands.add_parser(
        "observation", help="observation vs Playwright's aria snapshot: latency, recall, token counts per page")
    observation.add_argument("--repeats", type=int, default=7)
    _benchmarks_md_flags(observation)
    observation.set_defaults(handler=cmd_observation)
    checkpoints = commands.add_parser("checkpoints", help="checkpoint size against actions on the longest tasks")
    checkpoints.add_argument("--count", type=int, default=3, help="how many of the longest tasks")
    _benchmarks_md_flags(checkpoints)
    checkpoints.set_defaults(handler=cmd_checkpoints)
    add_serve_command(commands)
    add_plugin_commands(commands, "plan_and_act.bench_commands")
    export = commands.add_parser("export", help="write the embedded suite as WebArena config JSON")
    export.add_argument("path")
    export.add_argument("--split", choices=SPLITS, default="test", help="the test suite or the training pool")
    export.set_defaults(handler=cmd_export)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    configure_logging(args.verbose)
    if getattr(args, "resume", False) and not getattr(args, "out", ""):
        print("error: --resume continues a run directory: give it with --out", file=sys.stderr)
        return 2
    try:
        if hasattr(args, "price"):
            args.prices = Prices.parse(args.price)
        with sigterm_interrupts():
            return args.handler(args)
    except (ModelConfigError, ContextError, PriceError, RayUnavailable) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except SweepAborted as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 3


if __name__ == "__main__":
    sys.exit(main())
