"""Benchmarks of the data pipeline; run from a checkout (the instant teacher is the tests' loopback server):

    python -m synth.bench expand      # expand --n 10000 with an instant teacher over real HTTP (target <= 60 s)
    python -m synth.bench kill        # SIGKILL at ~50 %, rerun: repeated calls, same output
    python -m synth.bench collect     # collect throughput (episodes/minute) at 1, 2 and 4 workers
    python -m synth.bench dedup       # exact + near-duplicate removal over 10,000 plans
    python -m synth.bench all

Each prints a Markdown section for BENCHMARKS.md. The instant teacher answers every expand prompt at once with
ten distinct, valid pairs derived from a hash of the prompt, so what is timed is the pipeline: the langchain-openai
client, prompt building, validation, dedup, journal and cache.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage

from synth.jsonl import read_jsonl, write_jsonl

WORDS = ("amber", "anchor", "apple", "arrow", "aspen", "badge", "basil", "beacon", "birch", "bison", "blaze", "bloom",
         "brass", "breeze", "brick", "brook", "cable", "cactus", "candle", "canyon", "cedar", "chalk", "cherry",
         "cider", "cliff", "clover", "cobalt", "comet", "copper", "coral", "cotton", "crane", "crystal", "dahlia",
         "delta", "denim", "dune", "ember", "falcon", "fern", "flint", "frost", "garnet", "ginger", "glacier",
         "granite", "harbor", "hazel", "heron", "indigo", "iris", "ivory", "jade", "jasper", "juniper", "kelp",
         "lagoon", "lantern", "lemon", "lilac", "linen", "lotus", "maple", "marble", "meadow", "mint", "mosaic",
         "nectar", "nickel", "oak", "ocean", "olive", "onyx", "orchid", "pebble", "pepper", "pine", "plum", "poppy",
         "quartz", "raven", "reed", "ridge", "river", "saffron", "sage", "satin", "shadow", "silver", "slate",
         "sparrow", "spruce", "stone", "summit", "thistle", "timber", "topaz", "tulip", "velvet", "willow")
SITES = ("shopping", "shopping_admin", "reddit", "gitlab", "map")
PAGE = "\n".join(f'[{i}] link "{WORDS[i]} {WORDS[i + 1]}"' for i in range(60))


def _words(seed: bytes, count: int) -> list[str]:
    digest = hashlib.sha256(seed).digest()
    return [WORDS[int.from_bytes(digest[2 * i:2 * i + 2], "big") % len(WORDS)] for i in range(count)]


def instant_pairs(messages: list[BaseMessage]) -> AIMessage:
    """Ten valid, distinct pairs for an expand prompt, at once (deterministic: the same prompt, the same reply)."""
    prompt = next(str(m.content) for m in messages if isinstance(m, HumanMessage))
    shown = max(1, prompt.count("### Example "))
    key = hashlib.sha256(prompt.encode()).digest()
    pairs = []
    for i in range(10):
        a, b, c, d, e, f = _words(key + bytes([i]), 6)
        plan = (f"## Step 1\nReasoning: The first page lists the {a} and {b} sections.\nStep: Open the '{a} {b}' "
                f"link\n\n## Step 2\nReasoning: The listing can be filtered.\nStep: Filter by '{c}' and sort by "
                f"{d}\n\n## Step 3\nReasoning: The answer is on the result page.\nStep: Stop with the {e} {f} count")
        pairs.append({"seed": 1 + i % shown, "intent": f"How many {a} {b} items tagged {c} {d} are listed under "
                                                       f"{e} {f}?", "plan": plan})
    return AIMessage(content=json.dumps(pairs))


def seed_records(per_site: int = 20) -> list[dict[str, Any]]:
    records = []
    for site in SITES:
        for n in range(per_site):
            a, b, c = _words(f"{site}{n}".encode(), 3)
            page = {"url": f"http://127.0.0.1:9/{site}/", "title": f"{site} home", "text": PAGE, "tabs": []}
            records.append({"id": f"seed-{site}-{n}", "kind": "grounded_plan", "site": site, "sites": [site],
                            "intent": f"Find the {a} {b} {c} entry on {site}", "page": page,
                            "plan_text": f"## Step 1\nReasoning: The page has a search.\nStep: Search for '{a} {b}'\n\n"
                                         f"## Step 2\nReasoning: The entry is listed.\nStep: Stop with the {c}",
                            "start_url": f"__{site.upper()}__/"})
    return records


@contextmanager
def instant_teacher() -> Iterator[tuple[str, Any, Counter[str]]]:
    """(base URL, server log, prompt -> times asked) of a loopback OpenAI-compatible instant teacher."""
    from tests.support import openai_server
    from webenv.serving import serve_apps

    asked: Counter[str] = Counter()
    lock = threading.Lock()

    def policy(messages: list[BaseMessage]) -> AIMessage:
        with lock:
            asked[hashlib.sha256(json.dumps([str(m.content) for m in messages]).encode()).hexdigest()] += 1
        return instant_pairs(messages)

    log = openai_server.CompletionLog()
    group = serve_apps({"teacher": openai_server.create_app(policy, log)})
    try:
        yield group.urls["teacher"] + "/v1", log, asked
    finally:
        group.stop()


def _expand_command(seeds: Path, out: Path, url: str, n: int, workers: int) -> list[str]:
    return [str(Path(sys.executable).parent / "plan-and-act"), "synth", "expand", "--in", str(seeds), "--out",
            str(out), "--n", str(n), "--teacher", "openai:instant", "--base-url", url, "--workers", str(workers),
            "--quiet"]


def bench_expand(n: int = 10_000, workers: int = 8) -> str:
    with tempfile.TemporaryDirectory() as tmp, instant_teacher() as (url, log, _asked):
        seeds = Path(tmp) / "seeds.jsonl"
        write_jsonl(seeds, seed_records())
        started, server_cpu = time.perf_counter(), time.process_time()
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        done = subprocess.run(_expand_command(seeds, Path(tmp) / "pairs.jsonl", url, n, workers), capture_output=True,
                              text=True, env={**os.environ, "OPENAI_API_KEY": "not-needed"})
        seconds = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        pipeline_cpu = (after.ru_utime + after.ru_stime) - (children.ru_utime + children.ru_stime)
        server_cpu = time.process_time() - server_cpu
        if done.returncode != 0:
            raise SystemExit(done.stderr[-3000:])
        kept = sum(1 for _ in read_jsonl(Path(tmp) / "pairs.jsonl"))
        manifest = json.loads((Path(tmp) / "pairs.manifest.json").read_text())
    load = os.getloadavg()[0]
    return (f"| `expand --n {n}` (instant teacher, {workers} workers) | {seconds:.1f} s wall (process start "
            f"included; load average {load:.0f} on {os.cpu_count()} cores); CPU: pipeline {pipeline_cpu:.1f} s, "
            f"teacher server {server_cpu:.1f} s | {kept} pairs kept, {log.requests} teacher calls, "
            f"{manifest['rejected']} rejected |")


def bench_kill(n: int = 10_000, workers: int = 8) -> str:
    """Kill -9 once the journal holds about half of the calls, rerun, and compare with an uninterrupted run."""
    with tempfile.TemporaryDirectory() as tmp, instant_teacher() as (url, log, asked):
        base = Path(tmp)
        seeds = base / "seeds.jsonl"
        write_jsonl(seeds, seed_records())
        env = {**os.environ, "OPENAI_API_KEY": "not-needed"}
        subprocess.run(_expand_command(seeds, base / "whole" / "pairs.jsonl", url, n, workers), check=True, env=env,
                       capture_output=True)
        whole_calls, distinct_prompts = log.requests, len(asked)
        asked.clear()
        before = log.requests
        target = base / "killed" / "pairs.jsonl"
        process = subprocess.Popen(_expand_command(seeds, target, url, n, workers), env=env, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        journal = base / "killed" / "pairs.journal.jsonl"
        half = (n // 10) // 2
        while process.poll() is None:
            if journal.exists() and journal.read_bytes().count(b"\n") >= half:
                process.send_signal(signal.SIGKILL)
                break
            time.sleep(0.01)
        process.wait()
        at_kill = journal.read_bytes().count(b"\n")
        killed_calls = log.requests - before
        subprocess.run(_expand_command(seeds, target, url, n, workers), check=True, env=env, capture_output=True)
        total = log.requests - before
        same = target.read_bytes() == (base / "whole" / "pairs.jsonl").read_bytes()
    # Two units may send the same prompt (the same seeds drawn): those are two calls by design, in both runs alike.
    return (f"| SIGKILL at {at_kill}/{n // 10} calls journaled ({100 * at_kill / (n // 10):.0f} %), then rerun | "
            f"{killed_calls} calls before the kill + {total - killed_calls} after = {total}; uninterrupted run: "
            f"{whole_calls} ({distinct_prompts} distinct prompts) | {total - whole_calls} calls more than the "
            f"uninterrupted run: requests in flight at the kill, whose replies had not arrived (every reply "
            f"received before the kill came from the cache); output byte-identical to the uninterrupted run: "
            f"{'yes' if same else 'NO'} |")


def bench_collect(tasks: int = 8, worker_counts: tuple[int, ...] = (1, 2, 4)) -> list[str]:
    from synth.demo import demo_slice

    ids = demo_slice(tasks)
    rows = []
    for workers in worker_counts:
        with tempfile.TemporaryDirectory() as tmp:
            command = [str(Path(sys.executable).parent / "plan-and-act"), "synth", "collect", "--out",
                       str(Path(tmp) / "traj.jsonl"), "--workers", str(workers), "--quiet"]
            for task in ids:
                command += ["--task", task]
            started = time.perf_counter()
            subprocess.run(command, check=True, capture_output=True)
            seconds = time.perf_counter() - started
            load = os.getloadavg()[0]
            kept = sum(1 for _ in read_jsonl(Path(tmp) / "traj.jsonl"))
            steps = sum(len(t["state"]["history"]) for t in read_jsonl(Path(tmp) / "traj.jsonl"))
        rows.append(f"| `collect` reference policy, {workers} worker(s), {len(ids)} tasks ({steps} actions) | "
                    f"{seconds:.1f} s wall (load average {load:.0f}) | {60 * kept / seconds:.1f} episodes/minute "
                    f"({kept} kept) |")
    return rows


def bench_dedup(count: int = 10_000) -> str:
    from synth.dedup import Deduper

    plans = [json.loads(str(instant_pairs([HumanMessage(f"### Example 1 {i}")]).content))[i % 10]["plan"]
             for i in range(count)]
    # every tenth plan rewords the one before (a near duplicate); every twentieth, from the fifth, repeats an earlier
    # one with other spacing and punctuation (an exact duplicate once normalised)
    for i in range(1, count):
        if i % 10 == 0:
            plans[i] = plans[i - 1].replace("on the result page", "on the results page")
        elif i % 20 == 5:
            plans[i] = plans[i - 3].replace("Open the", "Open  the").replace(" count", " count.")
    deduper = Deduper()
    started, cpu = time.perf_counter(), time.process_time()
    found = Counter(d.kind for i, plan in enumerate(plans) if (d := deduper.add(str(i), plan)) is not None)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    return (f"| dedup of {count} plans (exact + MinHash/LSH + rapidfuzz) | {seconds:.1f} s wall, {cpu:.1f} s CPU "
            f"(load average {os.getloadavg()[0]:.0f}) | {found['exact']} exact, {found['near']} near duplicates "
            f"removed |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m synth.bench", description=__doc__.splitlines()[0])
    parser.add_argument("which", choices=("expand", "kill", "collect", "dedup", "all"))
    args = parser.parse_args(argv)
    rows: list[str] = []
    if args.which in ("expand", "all"):
        rows.append(bench_expand())
    if args.which in ("kill", "all"):
        rows.append(bench_kill())
    if args.which in ("collect", "all"):
        rows += bench_collect()
    if args.which in ("dedup", "all"):
        rows.append(bench_dedup())
    print("| benchmark | time | result |\n|---|---|---|\n" + "\n".join(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
