"""The 165 published WebArena-Lite configs load unchanged, build evaluators, and score their own answers.

The "reference answer" of a string_match task is built from its config (the exact_match value; the first
alternative of each must_include phrase; the fuzzy_match phrases, judged by the OfflineJudge), so these tests
check that our evaluator semantics accept what the configs call right and reject a clearly wrong answer.
"""

from __future__ import annotations

import json

import pytest

from tests.support.paths import WEBARENA_LITE_CONFIGS
from webenv.eval_text import split_or
from webenv.evaluators import EvalContext, Outcome, StringEvaluator, URLEvaluator, build_evaluator
from webenv.judges import OfflineJudge
from webenv.tasks.config import KNOWN_PLACEHOLDERS, TaskConfig, load_tasks

pytestmark = pytest.mark.unit  # no browser, no server

CONFIGS = WEBARENA_LITE_CONFIGS
RAW = json.loads(CONFIGS.read_text())
RAW_BY_ID = {raw["task_id"]: raw for raw in RAW}
TASKS = {task.task_id: task for task in load_tasks(CONFIGS)}
PLACEHOLDERS = {name: f"http://127.0.0.1:{9100 + i}" for i, name in enumerate(sorted(KNOWN_PLACEHOLDERS))}
CONTEXT = EvalContext(placeholders=PLACEHOLDERS, judge=OfflineJudge())
WRONG_ANSWER = "I could not determine that."

STRING_TASKS = sorted(tid for tid, task in TASKS.items() if "string_match" in task.eval.eval_types)
URL_TASKS = sorted(tid for tid, task in TASKS.items() if "url_match" in task.eval.eval_types)
UNACHIEVABLE_WITH_REASON = sorted(
    tid for tid in STRING_TASKS
    if any(r.kind == "fuzzy_match" and r.values == ("N/A",) for r in TASKS[tid].eval.reference_answers)
    and TASKS[tid].eval.string_note
)


def reference_answer(task: TaskConfig) -> str:
    pieces: list[str] = []
    for rule in task.eval.reference_answers:
        if rule.kind == "exact_match":
            pieces.append(rule.value)
        elif rule.kind == "must_include":
            pieces.extend(split_or(phrase)[0] for phrase in rule.values)
        elif rule.kind == "fuzzy_match":
            pieces.extend(rule.values)
    return ", ".join(pieces)


def final_url(task: TaskConfig) -> str:
    resolved = task.resolve(PLACEHOLDERS)
    return split_or(resolved.eval.reference_url)[0] if resolved.eval.reference_url else resolved.start_urls[0]


def test_all_configs_load_unchanged_and_build_evaluators() -> None:
    assert len(TASKS) == len(RAW) == 165
    for task_id, raw in RAW_BY_ID.items():
        task = TASKS[task_id]
        assert task.to_dict() == raw
        evaluator = build_evaluator(task)
        assert [e.name for e in evaluator.evaluators] == raw["eval"]["eval_types"]


def test_eval_type_mix_matches_the_published_counts() -> None:
    mix: dict[tuple[str, ...], int] = {}
    for task in TASKS.values():
        mix[task.eval.eval_types] = mix.get(task.eval.eval_types, 0) + 1
    assert mix == {("string_match",): 78, ("program_html",): 48, ("url_match", "program_html"): 19,
                   ("url_match",): 18, ("string_match", "url_match"): 2}


@pytest.mark.parametrize("task_id", [9, 104, 112, 127, 133, 146, 155])
def test_configs_resolve_against_site_urls(task_id: int) -> None:
    resolved = TASKS[task_id].resolve(PLACEHOLDERS)
    text = json.dumps(resolved.to_dict())
    assert not any(name in text for name in KNOWN_PLACEHOLDERS)
    assert resolved.start_url.startswith("http://127.0.0.1:")
    for token in ("__last_url__", "__page__"):  # evaluation-time tokens survive resolution
        assert (token in text) == (token in json.dumps(RAW_BY_ID[task_id]))


@pytest.mark.parametrize("task_id", STRING_TASKS)
async def test_reference_answer_scores_one_and_wrong_answer_zero(task_id: int) -> None:
    task = TASKS[task_id]
    evaluator = build_evaluator(task)
    good = await evaluator.evaluate(Outcome(reference_answer(task), final_url(task)), None, CONTEXT)
    assert good.score == 1.0, good.report()
    bad = await evaluator.evaluate(Outcome(WRONG_ANSWER, final_url(task)), None, CONTEXT)
    assert bad.score == 0.0, bad.report()


@pytest.mark.parametrize("task_id", UNACHIEVABLE_WITH_REASON)
async def test_unachievable_reason_is_judged_against_the_string_note(task_id: int) -> None:
    task = TASKS[task_id]
    evaluator = StringEvaluator(task.eval.reference_answers, task.intent, task.eval.string_note)
    stated = await evaluator.evaluate(Outcome(f"This cannot be done. {task.eval.string_note}", ""), None, CONTEXT)
    assert stated.score == 1.0 and stated.checks[0].rule == "unachievable_match", stated.report()
    no_judge = await evaluator.evaluate(Outcome(f"Impossible: {task.eval.string_note}", ""), None, EvalContext())
    assert no_judge.score == 0.0 and "no judge configured" in no_judge.checks[0].reason


@pytest.mark.parametrize("task_id", URL_TASKS)
async def test_reference_url_scores_one_and_start_page_zero(task_id: int) -> None:
    task = TASKS[task_id]
    evaluator = URLEvaluator(task.eval.reference_url, task.eval.url_note)
    assert (await evaluator.evaluate(Outcome("", final_url(task)), None, CONTEXT)).score == 1.0
    elsewhere = PLACEHOLDERS["__WIKIPEDIA__"] + "/wiki/Elsewhere"
    assert (await evaluator.evaluate(Outcome("", elsewhere), None, CONTEXT)).score == 0.0
