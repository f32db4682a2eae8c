"""What the parallel benchmark runs: episodes of one length over several sites, and a model whose answer times
vary the same way in both arms."""

from __future__ import annotations

import asyncio
import time

import pytest
from langchain_core.messages import HumanMessage

from bench.parallel import EPISODE_ACTIONS, SlowReference, read_only_tasks



@pytest.mark.unit
def test_equal_length_read_only_episodes_round_robin_over_sites() -> None:
    tasks = read_only_tasks(8)
    assert len(tasks) == 8 and len({t.config.task_id for t in tasks}) == 8
    assert {len(t.solution.actions) for t in tasks} == {EPISODE_ACTIONS}
    assert all(len(t.sites) == 1 and list(t.config.eval.eval_types) == ["string_match"] for t in tasks)
    sites = [t.sites[0] for t in tasks]
    assert len(set(sites)) >= 3 and sites[:len(set(sites))] == list(dict.fromkeys(sites))  # one of each first
    mixed = read_only_tasks(8, actions=None)
    assert len({len(t.solution.actions) for t in mixed}) > 1  # the old choice: whatever length comes first


@pytest.mark.unit
def test_jittered_answer_times_stay_in_bounds_vary_and_repeat_per_seed() -> None:
    task = read_only_tasks(1)[0]

    def delays(seed: str, jitter: float) -> list[float]:
        model = SlowReference(solution=task.solution, latency_s=2.0, jitter=jitter, seed=seed)
        return [model.delay(call) for call in range(1, 201)]

    first, other = delays("7", 0.5), delays("8", 0.5)
    assert all(1.0 <= d <= 3.0 for d in first + other)
    assert min(first) < 1.2 and max(first) > 2.8 and 1.8 < sum(first) / len(first) < 2.2  # spread around 2 s
    assert first == delays("7", 0.5) and first != other  # the same episode waits the same in both arms
    assert set(delays("7", 0.0)) == {2.0}


@pytest.mark.unit
def test_the_model_waits_its_delay_before_answering() -> None:
    task = read_only_tasks(1)[0]
    model = SlowReference(solution=task.solution, latency_s=0.2, jitter=0.5, seed="3")

    async def answer() -> float:
        started = time.perf_counter()
        await model.ainvoke([HumanMessage("plan")])
        return time.perf_counter() - started

    assert asyncio.run(answer()) >= model.delay(1)


def test_the_sampler_counts_the_cpu_of_processes_below_and_not_of_others() -> None:
    """An arm's CPU time includes processes started and ended inside it (a renderer's work still counts once it
    has exited) and leaves out a process that was already running (someone else's)."""
    import subprocess
    import sys

    from bench.parallel import _Sampler, processes_below

    burn = [sys.executable, "-c", "import time\nend = time.process_time() + 1.0\nwhile time.process_time() < end: pass"]
    stranger = subprocess.Popen(burn)
    try:
        with _Sampler(processes_below()) as sampler:
            subprocess.run(burn, check=True)
        assert 0.7 <= sampler.cpu_s <= 1.0 + 0.6, sampler.cpu_s  # the child's second, not the stranger's
    finally:
        stranger.wait()
