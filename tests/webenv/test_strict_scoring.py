"""Strict scoring of typed answers: harmless form is accepted, near misses are not.

The cases are the attack families measured on the substring rules (issue 7): reworded correct answers that
scored 0 ("$3.46–$85.00", "34 kilometers", "0h 12m", "**ALDI**", "Forbes Ave", a phone in +1 format) and
plausible wrong ones that scored 1 (a list with one wrong item added, "X or Y" hedges, "1 h 12 min" for 12 min,
"134 km" for 34 km, swapped walking/driving times, a constant answer, a dump of page text).
"""

from __future__ import annotations

import pytest

from webenv.answer_text import durations, money, normalise, numbers, starts_not_achievable
from webenv.answers import (
    Answer,
    AnswerSpecError,
    cents,
    code,
    count,
    date,
    distance,
    duration,
    name,
    names,
    neighbours,
    not_achievable,
    number,
    phone,
    yes_no,
)
from webenv.strict import passes, score_answer

pytestmark = pytest.mark.unit

PRICE_RANGE = Answer.of([cents(346), cents(8500)], exclude=[cents(1299), cents(2495)])
DISTANCE = Answer.of(distance(34000, precision=1000), exclude=[distance(29000, precision=1000)])
DRIVE = Answer.of(duration(720), exclude=[duration(4320)])
CLOSEST = Answer.of(name("ALDI"), exclude=[name("Giant Eagle"), name("Trader Joe's")])
ADDRESS = Answer.of([name("4400 Forbes Avenue"), name("Pittsburgh"), code("15213")], exclude=[code("15217")])
PHONE = Answer.of(phone("+1 412 659 4169"), exclude=[phone("+1 412 578 5000")])
REVIEWERS = Answer.of(names(["Kee Williams", "Wei W."]), exclude=[name("Dave P."), name("Andrew")])
COMPARE = Answer.of([duration(5760).about("walk", "walking", "on foot"), duration(720).about("drive", "driving")])


@pytest.mark.parametrize(("answer", "given"), [
    (PRICE_RANGE, "$3.46–$85.00"), (PRICE_RANGE, "The price range is $3.46 to $85.00."),
    (PRICE_RANGE, "3.46 - 85.00"), (PRICE_RANGE, "$85 and $3.46"), (PRICE_RANGE, "$3.46 - 85.00 USD"),
    (DISTANCE, "34 kilometers"), (DISTANCE, "34km"), (DISTANCE, "about 21.1 miles"), (DISTANCE, "34.2 km"),
    (DRIVE, "0h 12m"), (DRIVE, "12 minutes"), (DRIVE, "0:12"), (DRIVE, "It takes about 12 min by car."),
    (CLOSEST, "**ALDI**"), (CLOSEST, "The closest supermarket is Aldi."), (CLOSEST, "`ALDI`"),
    (ADDRESS, "4400 Forbes Ave, Pittsburgh, PA 15213"), (ADDRESS, "4400, Forbes Avenue, Oakland, Pittsburgh, 15213"),
    (PHONE, "+1 412-659-4169"), (PHONE, "(412) 659-4169"), (PHONE, "412.659.4169"),
    (REVIEWERS, "Wei W. and Kee Williams"), (REVIEWERS, "- Kee Williams\n- Wei W."),
    (REVIEWERS, "Reviewers: Kee Williams, Wei W. (both mention it)"),
    (COMPARE, "Walking: 1:36; driving: 0:12"), (COMPARE, "It takes 1 hour and 36 minutes to walk and 12 minutes to drive."),
    (COMPARE, "0:12 by driving, 96 minutes walking"),
])
def test_harmless_form_is_accepted(answer: Answer, given: str) -> None:
    findings = score_answer(answer, given)
    assert all(f.passed for f in findings), [f for f in findings if not f.passed]


@pytest.mark.parametrize(("answer", "given", "rule"), [
    (PRICE_RANGE, "$3.46 - $24.95", "value"), (PRICE_RANGE, "$3.46 - $85.00 (or $12.99)", "exclude"),
    (DISTANCE, "134 km", "value"), (DISTANCE, "34 km or 29 km", "exclude"), (DISTANCE, "34 m", "value"),
    (DRIVE, "1 h 12 min", "value"), (DRIVE, "12 or 13 minutes", "set"), (DRIVE, "112 min", "value"),
    (CLOSEST, "ALDI or Giant Eagle", "exclude"), (CLOSEST, "Giant Eagle", "value"),
    (ADDRESS, "4400 Forbes Avenue, Pittsburgh 15217", "value"),
    (PHONE, "412 659 4169 or 412 578 5000", "exclude"),
    (REVIEWERS, "Kee Williams, Wei W., Dave P.", "exclude"), (REVIEWERS, "Kee Williams", "value"),
    (REVIEWERS, "Kee Williams, Wei W., Joe Smith", "items"),
    (COMPARE, "Walking: 0:12; driving: 1:36", "label"),
])
def test_near_misses_fail_for_the_stated_reason(answer: Answer, given: str, rule: str) -> None:
    failed = {f.rule for f in score_answer(answer, given) if not f.passed}
    assert rule in failed, score_answer(answer, given)


def test_counts_ignore_echoes_of_the_question_and_scales_but_not_hedges() -> None:
    commits = Answer.of(count(2), exclude=neighbours(count(2), -1, 1))
    question = "How many commits did Kilian Valkhof make to a11yproject.com on 11/20/2013?"
    assert passes(commits, "Kilian Valkhof made 2 commits on 11/20/2013.", question)
    assert passes(commits, "two", question)
    assert not passes(commits, "2 or 3", question)
    assert not passes(commits, "12", question)
    stars = Answer.of(count(3))
    assert passes(stars, "3 stars (the average is 3.0 out of 5, 60%)")
    assert not passes(stars, "3 or 4 stars")


def test_a_constant_answer_and_a_page_dump_fail() -> None:
    constant = "yes no " + " ".join(str(n) for n in range(101))
    for answer in (Answer.of(count(18)), Answer.of(yes_no(True)), DRIVE, PRICE_RANGE):
        assert not passes(answer, constant)
    dump = "Results: ALDI 0.3 km, Giant Eagle 0.5 km. " * 20
    assert not passes(CLOSEST, dump)
    assert [f.rule for f in score_answer(CLOSEST, "ALDI " + "lorem " * 40) if not f.passed] == ["length"]


def test_not_achievable_is_n_a_first_then_a_reason() -> None:
    na = Answer.of(not_achievable())
    for given in ("N/A", "N/A: the site lists no phone number", "**N/A** - no such page", "n/a (no phone)"):
        assert passes(na, given), given
    for given in ("The site lists no phone number", "Not available", "", "NA"):
        assert not passes(na, given), given
    assert not passes(Answer.of(count(18)), "N/A: I could not find it")
    assert starts_not_achievable("  'N/A. reason'") and not starts_not_achievable("N/Americas")


def test_yes_no_dates_numbers_and_codes() -> None:
    closed = Answer.of(yes_no(True))
    assert passes(closed, "Yes, it is closed.") and not passes(closed, "No") and not passes(closed, "Yes or no")
    day = Answer.of(date("2023-01-16"), exclude=[date("2022-11-15")])
    for given in ("January 16, 2023", "Jan 16th, 2023", "2023-01-16", "1/16/2023", "16 January 2023"):
        assert passes(day, given), given
    assert not passes(day, "January 16, 2022") and not passes(day, "Jan 16, 2023 or Nov 15, 2022")
    where = Answer.of([number(40.4572, tolerance=0.0005), number(-80.0034, tolerance=0.0005)],
                      exclude=[number(-40.4572, tolerance=0.0005), number(80.0034, tolerance=0.0005)])
    assert passes(where, "40.4572° N, 80.0034° W") and passes(where, "40.457, -80.003")
    assert not passes(where, "40.4572, 80.0034") and not passes(where, "-40.4572, -80.0034")
    order = Answer.of([code("000000372", "372"), name("Isabella Robinson")])
    assert passes(order, "Order #372 was placed by Isabella Robinson")
    assert not passes(order, "Order 000000371 by Isabella Robinson")
    person = Answer.of([name("Matthew Bennett"), code("matthew.bennett@yahoo.com")])
    assert not passes(person, "matthew.bennett@yahoo.com"), "an e-mail address does not name the person"


def test_extraction_edge_cases() -> None:
    assert [m.value for m in money("$3.46–$85.00")] == [3.46, 85.0]
    assert [m.value for m in durations("1h36m, 1 hour and 36 minutes, 96 min")] == [5760.0, 5760.0, 5760.0]
    assert [(m.kind, m.value) for m in numbers("top-3 a11y 62% -80.1 3.46-85.00")] == [
        ("percent", 62.0), ("number", -80.1), ("number", 3.46), ("number", 85.0)]
    assert normalise('"**Fuku Tea**"') == "Fuku Tea" and normalise("1. A\n2. B") == "A\nB"


def test_typed_answers_round_trip_and_bad_specs_name_the_field() -> None:
    for answer in (PRICE_RANGE, COMPARE, ADDRESS, Answer.of(not_achievable())):
        again = Answer.from_json(answer.to_json())
        assert again.parts == answer.parts and again.exclude == answer.exclude and again.budget == answer.budget
    with pytest.raises(AnswerSpecError, match=r"eval.answer.parts\[0\].type"):
        Answer.from_json({"parts": [{"type": "vibes", "value": 1}]})
    with pytest.raises(AnswerSpecError, match=r"parts\[0\].value' must be a number"):
        Answer.from_json({"parts": [{"type": "money", "value": "3.46"}]})
    with pytest.raises(AnswerSpecError, match="N/A answer has no other parts"):
        Answer.from_json({"parts": [{"type": "na"}, {"type": "count", "value": 1}]})


def test_a_distractor_that_reads_as_the_answer_is_dropped() -> None:
    ride = Answer.of(duration(60), exclude=[duration(75), duration(180)])  # the other mode also shows 0:01
    assert ride.exclude == (duration(180),) and passes(ride, "0:01")
