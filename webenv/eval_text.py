"""Answer normalisation, an NLTK-free word tokenizer, and WebArena's string checks.

WebArena (and VisualAgentBench, whose evaluator ships with the WebArena-Lite configs) compares answers with
NLTK's `word_tokenize`, which needs the punkt data files; those cannot be downloaded here. The checks only use
tokens for one thing — deciding whether a one-word reference such as "0" occurs in an answer as a *word*
rather than as part of "10" — so this tokenizer reproduces NLTK's (Penn Treebank) splits on the inputs that
decide that: punctuation and currency split off, numbers with commas/decimals and `1/2` kept whole,
contractions split (`don't` -> `do n't`), a sentence-final period split off but initials like `t.` kept.

Everything here is pure string logic, so the evaluators, the offline judge and the tests share one definition.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

OR_SEPARATOR = " |OR| "

_QUOTES = ("'", '"')

# Substitutions in the order the Treebank tokenizer applies them; each inserts spaces around what it splits.
_SPLITS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r'["“”„`]'), r" \g<0> "),  # double and typographic quotes are always tokens of their own
    (re.compile(r"\.\.\."), r" ... "),
    (re.compile(r"[;@#$%&?!]"), r" \g<0> "),  # currency, percent, ampersand, sentence marks
    (re.compile(r"[\]\[(){}<>]"), r" \g<0> "),  # brackets
    (re.compile(r"--"), r" -- "),
    (re.compile(r"([:,])(?=\D|$)"), r" \1 "),  # "a, b" and "note: x" split; "1,000" and "10:30" do not
)
_CONTRACTION_SUFFIXES = frozenset({"n't", "'s", "'m", "'d", "'ll", "'re", "'ve"})
_CONTRACTION = re.compile(r"^(.+?)(n't|'s|'m|'d|'ll|'re|'ve)$", re.IGNORECASE)
_INITIALS = re.compile(r"(?:[^\W\d_]\.)+")  # "t." or "u.s.": kept whole, like punkt treats initials
_PUNCTUATION_TOKEN = re.compile(r"^[^\w]+$")


def clean_answer(text: str) -> str:
    """Trim, drop one pair of surrounding quotes, lower-case — the normal form both sides are compared in.

    (VisualAgentBench does not trim whitespace; WebArena's own evaluator does. Page text read with
    `textContent` often carries template whitespace, so trimming avoids failing a correct page on layout.)
    """
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in _QUOTES:
        text = text[1:-1]
    return text.lower()


def _is_contraction(token: str) -> bool:
    return token.lower() in _CONTRACTION_SUFFIXES or _CONTRACTION.match(token) is not None


def _split_token(token: str) -> list[str]:
    """Split one whitespace-free chunk: a trailing period, a contraction, stray single quotes."""
    if token in {".", "...", "'", "''"}:
        return [token]
    head: list[str] = []
    tail: list[str] = []
    while token.startswith("'") and len(token) > 1 and not _is_contraction(token):
        head.append("'")
        token = token[1:]
    if token.endswith(".") and len(token) > 1 and not _INITIALS.fullmatch(token):
        tail.insert(0, ".")
        token = token[:-1]
    while token.endswith("'") and len(token) > 1 and not token.endswith("n't"):
        tail.insert(0, "'")
        token = token[:-1]
    match = _CONTRACTION.match(token)
    if match:
        return [*head, match.group(1), match.group(2), *tail]
    return [*head, token, *tail] if token else [*head, *tail]


def word_tokenize(text: str) -> list[str]:
    """Tokens as NLTK's `word_tokenize` would produce them for the cases the checks depend on.

    >>> word_tokenize("It's $12.99, not 1/2 of 1,000.")
    ['It', "'s", '$', '12.99', ',', 'not', '1/2', 'of', '1,000', '.']
    """
    for pattern, replacement in _SPLITS:
        text = pattern.sub(replacement, text)
    tokens: list[str] = []
    for chunk in text.split():
        tokens.extend(_split_token(chunk))
    return tokens


def word_set(text: str) -> set[str]:
    """The answer's tokens, plus the parts of any token containing "/" (so "n/a" also offers "n" and "a",
    and a date "3/2/22" offers "3", "2" and "22")."""
    words: set[str] = set()
    for token in word_tokenize(text):
        words.add(token)
        if "/" in token:
            words.update(part for part in token.split("/") if part)
    return words


def split_or(value: str) -> list[str]:
    """WebArena's alternatives: "a |OR| b" means either is acceptable."""
    return value.split(OR_SEPARATOR)


def exact_match(reference: str, answer: str) -> bool:
    return clean_answer(answer) == clean_answer(reference)


def must_include(reference: str, answer: str) -> bool:
    """The reference phrase occurs in the answer; a one-token reference must occur as a whole token, so the
    reference "0" is not found in "10" and "bookshop.org" is found in "it is bookshop.org."."""
    ref = clean_answer(reference)
    pred = clean_answer(answer)
    if len(word_tokenize(ref)) == 1:
        return ref in word_set(pred)
    return ref in pred


def must_exclude(reference: str, answer: str) -> bool:
    """The negation of `must_include`, with the same one-token rule."""
    return not must_include(reference, answer)


def one_of(references: Iterable[str], answer: str) -> bool:
    """Any reference occurs in the answer as a plain substring (VisualAgentBench applies no token rule here)."""
    pred = clean_answer(answer)
    return any(clean_answer(reference) in pred for reference in references)


def parse_number(text: str) -> float | None:
    """A number written the way pages and answers write it ("1,299", " 42 "), else None."""
    cleaned = text.strip().replace(",", "")
    try:
        return float(cleaned)
    except ValueError:
        return None


_INEQUALITY = re.compile(r"^\s*(<=|>=|==|<|>)\s*(-?\d+(?:\.\d+)?)\s*$")
_TOLERANCE = 1e-8


def compare_inequality(value: float, inequality: str) -> bool:
    """`value` satisfies an inequality such as ">= 300" or "== 12.5".

    A float tolerance helps `<=`, `>=` and `==` only. (VisualAgentBench also adds it to `<` and `>`, which makes
    "3 < 3" true; a strict inequality stays strict here.) Raises ValueError for a malformed inequality: that is
    a broken config, not a wrong answer.
    """
    match = _INEQUALITY.match(inequality)
    if not match:
        raise ValueError(f"not an inequality: {inequality!r} (want e.g. '>= 300')")
    operator, bound_text = match.groups()
    bound = float(bound_text)
    if operator == "<=":
        return value <= bound + _TOLERANCE
    if operator == ">=":
        return value >= bound - _TOLERANCE
    if operator == "==":
        return abs(value - bound) <= _TOLERANCE
    if operator == "<":
        return value < bound
    return value > bound


def normalise_for_judging(text: str) -> list[str]:
    """Word tokens with typography unified and pure punctuation dropped: the form in which the offline judge
    decides whether a reference phrase "is in" an answer regardless of quotes, dashes or a final period."""
    text = unicodedata.normalize("NFKC", text)
    text = text.translate(str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-"}))
    return [token for token in word_tokenize(clean_answer(text)) if not _PUNCTUATION_TOKEN.match(token)]


def phrase_in_text(phrase: str, text: str) -> bool:
    """Whether a reference phrase occurs in a text as whole words (one-word phrases with the "/" rule)."""
    wanted = normalise_for_judging(phrase)
    if not wanted:
        return True
    tokens = normalise_for_judging(text)
    if len(wanted) == 1:
        parts = {part for token in tokens if "/" in token for part in token.split("/") if part}
        return wanted[0] in tokens or wanted[0] in parts
    width = len(wanted)
    return any(tokens[i : i + width] == wanted for i in range(len(tokens) - width + 1))
