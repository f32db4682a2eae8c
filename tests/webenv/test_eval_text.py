"""The NLTK-free tokenizer and WebArena's string checks, on the edge cases that decide scores."""

from __future__ import annotations

import pytest

from webenv.eval_text import (
    clean_answer,
    compare_inequality,
    exact_match,
    must_exclude,
    must_include,
    one_of,
    parse_number,
    phrase_in_text,
    split_or,
    word_set,
    word_tokenize,
)

pytestmark = pytest.mark.unit  # no browser, no server


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("$12.99", ["$", "12.99"]),
        ("It costs $1,299.99!", ["It", "costs", "$", "1,299.99", "!"]),
        ("1/2", ["1/2"]),
        ("don't", ["do", "n't"]),
        ("can't stop it", ["ca", "n't", "stop", "it"]),
        ("it's mine, they'll see", ["it", "'s", "mine", ",", "they", "'ll", "see"]),
        ("Hello, world.", ["Hello", ",", "world", "."]),
        ("1,000 and 2.5", ["1,000", "and", "2.5"]),
        ("a,b", ["a", ",", "b"]),
        ("(about 40%)", ["(", "about", "40", "%", ")"]),
        ("T. Gannon", ["T.", "Gannon"]),
        ("e.g. this", ["e.g.", "this"]),
        ("I checked bookshop.org. It was there.", ["I", "checked", "bookshop.org", ".", "It", "was", "there", "."]),
        ("10:30 note: yes", ["10:30", "note", ":", "yes"]),
        ("N/A", ["N/A"]),
        ('"quoted"', ['"', "quoted", '"']),
        ("vote vote--user-upvoted", ["vote", "vote", "--", "user-upvoted"]),
        ("wait... what?", ["wait", "...", "what", "?"]),
        ("-79.9334241, 40.45", ["-79.9334241", ",", "40.45"]),
        ("AT&T @home #1", ["AT", "&", "T", "@", "home", "#", "1"]),
    ],
)
def test_word_tokenize_splits_like_nltk(text: str, tokens: list[str]) -> None:
    assert word_tokenize(text) == tokens


def test_word_set_adds_the_parts_of_slashed_tokens() -> None:
    assert {"3/2/22", "3", "2", "22", "on"} <= word_set("on 3/2/22")
    assert "n" in word_set("n/a")


@pytest.mark.parametrize(
    ("raw", "clean"),
    [("'Yes'", "yes"), ('"N/A"', "n/a"), ("  Done \n", "done"), ("'unbalanced\"", "'unbalanced\""),
     ("''", ""), ("'a' and 'b'", "a' and 'b")],
)
def test_clean_answer_trims_unquotes_once_and_lowercases(raw: str, clean: str) -> None:
    assert clean_answer(raw) == clean


@pytest.mark.parametrize(
    ("reference", "answer", "expected"),
    [
        ("0", "10", False),  # the reason one-word references compare whole tokens
        ("0", "There are 0 reviews.", True),
        ("2", "It has 12 items", False),
        ("2", "It has 2 items.", True),
        ("39.64", "The total was $39.64", True),
        ("bookshop.org", "It links to bookshop.org.", True),
        ("Hollister", "the brand is HOLLISTER", True),
        ("N/A", "n/a", True),
        ("3", "on 3/2/22", True),  # tokens with "/" offer their parts
        ("40.451", "40.4511693, -79.9334241", False),  # a truncated number is not a whole token
        ("T. Gannon", "Rachel and T. Gannon", True),  # several tokens: plain substring
        ("impulse duffle", "Impulse Duffle, Overnight Duffle", True),
        ("vote vote--user-upvoted", "vote vote--user-upvoted vote--x", True),
        ("Matt Baker", "matt bakery", True),  # multi-token phrases are substrings, as in WebArena
    ],
)
def test_must_include(reference: str, answer: str, expected: bool) -> None:
    assert must_include(reference, answer) is expected
    assert must_exclude(reference, answer) is (not expected)


def test_exact_match_ignores_case_quotes_and_surrounding_space() -> None:
    assert exact_match("N/A", ' "n/a" ')
    assert not exact_match("N/A", "N/A, not possible")
    assert exact_match("Good idea", "good idea\n")


def test_one_of_is_any_substring() -> None:
    assert one_of(["Pending", "Processing"], "status: processing since Monday")
    assert not one_of(["Pending", "Processing"], "complete")


def test_split_or_needs_the_spaced_separator() -> None:
    assert split_or("65 |OR| 3") == ["65", "3"]
    assert split_or("a|OR|b") == ["a|OR|b"]


@pytest.mark.parametrize(
    ("value", "inequality", "expected"),
    [(300, ">= 300", True), (299.5, ">= 300", False), (12.5, "== 12.5", True), (3, "< 3", False),
     (2, "<= 2", True), (701, "> 700", True), (-1, "< 0", True)],
)
def test_compare_inequality(value: float, inequality: str, expected: bool) -> None:
    assert compare_inequality(value, inequality) is expected


def test_compare_inequality_rejects_a_malformed_rule() -> None:
    with pytest.raises(ValueError, match="not an inequality"):
        compare_inequality(1, "about 3")


@pytest.mark.parametrize(("text", "number"), [("1,299", 1299.0), (" 42 ", 42.0), ("12.5", 12.5), ("abc", None)])
def test_parse_number(text: str, number: float | None) -> None:
    assert parse_number(text) == number


@pytest.mark.parametrize(
    ("phrase", "text", "expected"),
    [
        ("No reviews available for the sephora brushes.", "There are no reviews available for the Sephora brushes",
         True),  # a final period and case do not matter
        ("Doesn’t work with PC", "doesn't work with pc", True),  # typographic apostrophe
        ("0", "10 orders", False),
        ("0", "0 orders", True),
        ("64 min", "about 64 minutes", False),  # whole words: "min" is not "minutes"
        ("driving: 13min", "Driving: 13min, walking: 1h 45min", True),
        ("3/2/22", "It was on 3/2/22.", True),
    ],
)
def test_phrase_in_text_is_whole_word_containment(phrase: str, text: str, expected: bool) -> None:
    assert phrase_in_text(phrase, text) is expected
