"""Strict scoring measured on the suite itself (issue 7, point 7): for every task judged on its answer, reworded
correct answers must pass and plausible wrong ones built from its recorded distractors must fail. The rates are
printed per answer type next to what WebArena's substring rules give on the same answers."""

from __future__ import annotations

import json

import pytest

from webenv.answers import Answer
from webenv.evaluators import StrictStringEvaluator, StringEvaluator, build_evaluator
from webenv.scoring_audit import audit, suite_tasks, table
from webenv.strict import passes
from webenv.tasks.config import load_tasks
from webenv.tasks.suite import load_suite

pytestmark = pytest.mark.unit

CONSTANT = "yes no " + " ".join(str(n) for n in range(101))


def test_reworded_correct_answers_pass_and_plausible_wrong_ones_fail() -> None:
    tasks = suite_tasks("test")
    per = audit(tasks)
    print(f"\n{len(tasks)} tasks judged on their answer\n{table(per)}")
    total = per["all"]
    assert total.correct >= 10 * len(tasks) and total.wrong >= 10 * len(tasks)
    assert total.correct_rate >= 95.0, "\n".join(total.correct_failures[:30])
    assert total.wrong_rate <= 2.0, "\n".join(total.wrong_passes[:30])
    for kind, tally in per.items():  # no answer type may hide behind the average
        assert tally.correct_rate >= 90.0 and tally.wrong_rate <= 5.0, (kind, tally.correct_rate, tally.wrong_rate)
    # What the same answers get under the substring rules as published (the regression this replaces).
    assert total.webarena_wrong_passed > total.wrong_passed + 100


def test_every_embedded_task_is_scored_strictly_with_its_distractors() -> None:
    suite = load_suite()
    assert all(task.config.eval.strict for task in suite)
    answered = [t for t in suite if "string_match" in t.config.eval.eval_types]
    assert all(t.config.eval.answer is not None for t in answered)
    assert all(t.config.eval.acceptable_urls for t in suite if "url_match" in t.config.eval.eval_types)
    achievable = [t for t in answered if t.config.eval.answer and t.config.eval.answer.achievable]
    with_distractors = [t for t in achievable if t.config.eval.answer and t.config.eval.answer.exclude]
    assert len(with_distractors) >= 0.9 * len(achievable), sorted(
        t.task_id for t in achievable if t not in with_distractors)
    for task in with_distractors:  # recorded as WebArena must_exclude checks too
        assert any(rule.kind == "must_exclude" for rule in task.config.eval.reference_answers), task.task_id
    assert all(isinstance(build_evaluator(t.config).evaluators[0], StrictStringEvaluator) for t in answered)


def test_a_constant_answer_scores_nothing_strictly() -> None:
    answered = [t for t in load_suite() if t.config.eval.answer is not None]
    passed = [t.task_id for t in answered if passes(t.config.eval.answer, CONSTANT, t.config.intent)]
    assert passed == []


def test_the_export_stays_webarena_compatible() -> None:
    """Without our keys, every exported config is a plain WebArena config whose rules WebArena's evaluator runs,
    and the reference solution's own answer passes them."""
    for task in load_suite():
        plain = {k: v for k, v in task.raw.items() if k != "reference_solution"}
        plain["eval"] = {k: v for k, v in plain["eval"].items() if k not in ("scoring", "answer", "acceptable_urls")}
        (config,) = load_tasks([json.loads(json.dumps(plain))])
        assert not config.eval.strict
        if "string_match" in config.eval.eval_types:
            evaluator = build_evaluator(config).evaluators[0]
            assert isinstance(evaluator, StringEvaluator), task.task_id
            rules = {rule.kind for rule in config.eval.reference_answers}
            assert rules & {"must_include", "exact_match", "fuzzy_match"}, task.task_id


def test_strict_answers_and_their_budget_are_sane() -> None:
    for task in load_suite():
        answer: Answer | None = task.config.eval.answer
        if answer is None:
            continue
        assert answer.budget <= 200, task.task_id
        assert passes(answer, task.solution.answer, task.config.intent), task.task_id  # the reference's own answer
