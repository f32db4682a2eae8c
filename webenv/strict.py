"""Strict scoring of an answer against a typed reference (`webenv.answers.Answer`): the embedded suite's mode.

WebArena's string rules are substring tests, which both fail correct answers written the way a model writes
them ("$3.46–$85.00", "0h 12m", "Forbes Ave") and pass wrong ones that contain the right text ("134 km", a list
with an extra name, "X or Y"). Here the answer is first normalised (`webenv.answer_text`) and read as values of
the reference's type, then checked with these rules, each reported as one `Finding`:

- value:   every reference part is stated (a number within its precision, a name as whole words, ...);
- set:     several parts of one type are a set: no other value of that type may be stated — except numbers the
           question itself contains, which an answer may echo ("2 commits on 11/20/2013");
- exclude: no distractor is named (the runner-up, the other option, a neighbouring value): a hedge fails;
- items:   a list of names has no extra item (an item naming none of the references but something name-like);
- label:   a part tied to a role ("walking") is stated in a clause with that role's word, and no clause gives
           that role another value (a swapped answer fails);
- length:  the answer fits its word budget (a page of text is not an answer);
- na:      an unachievable task is answered "N/A" first (a reason may follow); an achievable one is not.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from webenv.answer_text import (
    Mention,
    Token,
    dates,
    distances,
    durations,
    find_name,
    fold,
    mask_links,
    money,
    name_key,
    name_tokens,
    normalise,
    numbers,
    phones,
    spelled_out,
    starts_not_achievable,
    values_in_question,
    without,
    word_count,
)
from webenv.answers import Answer, Part, display

MAX_CHARS_PER_WORD = 40  # an answer of a few very long "words" is over-long too
NUMERIC_TYPES = ("date", "phone", "money", "duration", "distance", "count", "number")
TEXT_TYPES = ("name", "code")


@dataclass(frozen=True)
class Finding:
    """One strict check: which rule, what was expected, whether it held, and why."""

    rule: str
    expected: str
    passed: bool
    reason: str


# --- reading values of each type ----------------------------------------------------------------------------

def _mentions(kind: str, text: str, gold: Sequence[Part]) -> list[Mention]:
    """The values of one type stated in a normalised answer. Dates and phone numbers are read first and hidden
    from the other readers (so "11/20/2013" is not three numbers); counts and plain numbers are read from what
    no unit-bearing value claimed."""
    claimed = dates(text)
    if kind == "date":
        return claimed
    claimed += phones(without(text, claimed))
    if kind == "phone":
        return [m for m in claimed if m.kind == "phone"]
    rest = without(text, claimed)
    if kind == "duration":
        return durations(rest)
    if kind == "distance":
        found = distances(rest)
        if found or not gold:
            return found
        unit = 1000.0 if max(part.tolerance for part in gold) >= 100 else 1.0  # a bare number in the page's unit
        return [Mention("distance", float(m.value) * unit, m.start, m.end, m.precision * unit)
                for m in numbers(rest) if m.kind == "number"]
    if kind == "money":
        found = money(rest)
        bare = [Mention("money", round(float(m.value), 2), m.start, m.end, 0.01)
                for m in numbers(without(rest, found)) if m.kind == "number"]
        if not found:
            return bare
        # Beside amounts marked as money, a bare amount counts when it is written in cents ("$3.46 - 85.00").
        cents_written = [m for m in bare if re.search(r"\.\d\d$", rest[m.start:m.end])]
        return sorted([*found, *cents_written], key=lambda m: m.start)
    claimed = [*claimed, *money(rest), *durations(rest), *distances(rest)]
    rest = without(text, claimed)
    found = [m for m in numbers(rest) if m.kind == "number" and not _SCALE.search(rest, 0, m.start)]
    if not found:  # "two" only when no number is written in digits
        spelled = spelled_out(rest)
        found = [m for m in numbers(spelled) if m.kind == "number" and not _SCALE.search(spelled, 0, m.start)]
    if kind == "count":
        return [m for m in found if float(m.value).is_integer()]
    return found


_SCALE = re.compile(r"(?:\bout of|\bof a possible)\s*$", re.IGNORECASE)  # "4.7 out of 5": 5 is the scale


def _same(part: Part, mention: Mention) -> bool:
    """Whether a stated value is the part's value, within what the page and the answer can express."""
    if part.type in ("date", "phone"):
        digits = "".join(ch for ch in str(part.value) if ch.isdigit())[-10:] if part.type == "phone" else part.value
        return mention.value == digits
    value, stated = float(part.value), float(mention.value)
    if part.type == "money":
        return abs(value - stated) < 0.005
    if part.type == "count":
        return stated == value
    if part.type == "number":
        return abs(value - stated) <= part.tolerance + 1e-9
    return abs(value - stated) <= max(part.tolerance, mention.precision) / 2 + 1e-6  # duration, distance


def _echoes(kind: str, intent: str) -> Callable[[Mention], bool]:
    """Whether a stated value merely repeats the question."""
    if kind == "date":
        asked = {m.value for m in dates(intent)}
        return lambda m: m.value in asked
    if kind in ("count", "number", "money"):
        asked_numbers = values_in_question(intent)
        return lambda m: abs(float(m.value)) in asked_numbers
    return lambda m: False


def _check_values(kind: str, gold: list[Part], excluded: list[Part], text: str, intent: str) -> list[Finding]:
    found = _mentions(kind, text, gold)
    findings = []
    for part in gold:
        hit = next((m for m in found if _same(part, m)), None)
        findings.append(Finding("value", display(part), hit is not None,
                                f"stated as {text[hit.start:hit.end]!r}" if hit else
                                f"no {kind} equal to it is stated" + _seen(kind, found, text)))
    echo = _echoes(kind, intent)
    extra = [m for m in found if not any(_same(part, m) for part in gold) and not echo(m)]
    if gold and len(found) > 0:
        findings.append(Finding("set", f"only {', '.join(display(p) for p in gold)}", not extra,
                                "no other value stated" if not extra else
                                "also states " + ", ".join(repr(text[m.start:m.end]) for m in extra)))
    for part in excluded:
        hit = next((m for m in found if _same(part, m)), None)
        if hit is not None:
            findings.append(Finding("exclude", f"not {display(part)}", False,
                                    f"names the distractor as {text[hit.start:hit.end]!r}"))
    return findings


def _seen(kind: str, found: list[Mention], text: str) -> str:
    return f" (found {', '.join(repr(text[m.start:m.end]) for m in found)})" if found else ""


# --- names and identifiers --------------------------------------------------------------------------------

def _name_spans(part: Part, tokens: list[Token]) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for spelling in (part.value, *part.aliases):
        spans.extend(find_name(name_key(spelling), tokens))
    return spans


_CODE_SPLIT = re.compile(r"[\s,;()\[\]{}\"'<>|]+")


def _code_tokens(text: str) -> list[str]:
    return [token.strip(".:!?").lstrip("#@").casefold() for token in _CODE_SPLIT.split(text) if token.strip(".:!?")]


def _check_names(gold: list[Part], excluded: list[Part], text: str, is_list: bool) -> list[Finding]:
    tokens = name_tokens(mask_links(text))
    findings = []
    covered: list[tuple[int, int]] = []  # character spans of the references found
    for part in gold:
        spans = _name_spans(part, tokens)
        findings.append(Finding("value", display(part), bool(spans),
                                "named" if spans else "not named (whole words, after normalising form)"))
        covered += [(tokens[a].start, tokens[b - 1].end) for a, b in spans]
    for part in excluded:
        stray = [(tokens[a].start, tokens[b - 1].end) for a, b in _name_spans(part, tokens)
                 if not any(lo <= tokens[a].start and tokens[b - 1].end <= hi for lo, hi in covered)]
        if stray:
            findings.append(Finding("exclude", f"not {display(part)}", False,
                                    f"names the distractor ({text[stray[0][0]:stray[0][1]]!r})"))
    if is_list and all(f.passed for f in findings if f.rule == "value"):
        extra = _extra_items(text, covered)
        findings.append(Finding("items", f"exactly the {len(gold)} names", not extra,
                                "no other item" if not extra else f"also lists {extra[0]!r}"))
    return findings


_ITEM_SEPARATOR = re.compile(r"[,;\n]|\s(?:and|&)\s", re.IGNORECASE)
_FILLER = frozenset("""a an the and or also both only all none no other others they these those it its them their
there here are is was were be been being who which that whose mention mentions mentioned say says said reviewer
reviewers name names item items list following answer answers result results top most with without of in on at by
for to from as well etc i we you he she this each one two three four five total including include includes so
yes""".split())


def _extra_items(text: str, covered: list[tuple[int, int]]) -> list[str]:
    """Items of a listed answer that name none of the references but something name-like (a capitalised word or
    a number that is not filler): "A, B, Joe Smith" has the extra item "Joe Smith"."""
    masked = list(text)
    for lo, hi in covered:
        masked[lo:hi] = "\x00" * (hi - lo)
    extras = []
    for item in _ITEM_SEPARATOR.split("".join(masked)):
        if "\x00" in item:
            continue
        words = re.findall(r"[^\W_][\w'.-]*", item.split(":")[-1])
        named = [w for w in words if w.lower().strip(".") not in _FILLER and (w[0].isupper() or w[0].isdigit())]
        if named:
            extras.append(item.strip())
    return extras


def _check_codes(gold: list[Part], excluded: list[Part], text: str, is_list: bool) -> list[Finding]:
    tokens = set(_code_tokens(text))
    findings = []
    for part in gold:
        spellings = {spelling.casefold() for spelling in (part.value, *part.aliases)}
        findings.append(Finding("value", display(part), bool(spellings & tokens),
                                "stated" if spellings & tokens else "not stated as a whole token"))
    for part in excluded:
        if {spelling.casefold() for spelling in (part.value, *part.aliases)} & tokens:
            findings.append(Finding("exclude", f"not {display(part)}", False, "names the distractor"))
    return findings


# --- yes/no and labels ------------------------------------------------------------------------------------

def _check_yes_no(part: Part, text: str) -> Finding:
    words = re.findall(r"[a-z]+", fold(text))
    said = {word for word in words if word in ("yes", "no")}
    expected = display(part)
    if len(said) != 1:
        return Finding("value", expected, False, "says both yes and no" if said else "says neither yes nor no")
    return Finding("value", expected, said == {"yes" if part.value else "no"}, f"says {said.pop()}")


_CLAUSE = re.compile(r"[;\n]|,\s|\.\s|\s(?:and|while|whereas|but|vs\.?|versus|compared (?:to|with)|than)\s",
                     re.IGNORECASE)


def _clauses(text: str, values: Sequence[tuple[int, int]] = ()) -> list[tuple[int, int]]:
    """Clause spans, split at separators that do not fall inside a value ("1 hour and 36 minutes" is one)."""
    spans, start = [], 0
    for match in _CLAUSE.finditer(text):
        if any(lo < match.end() and match.start() < hi for lo, hi in values):
            continue
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text)))
    return [(a, b) for a, b in spans if text[a:b].strip()]


def _labelled(part: Part, tokens: list[Token], clause: tuple[int, int]) -> bool:
    inside = [t for t in tokens if clause[0] <= t.start and t.end <= clause[1]]
    return any(find_name(name_key(word), inside) for word in part.label)


def _check_labels(answer: Answer, text: str) -> list[Finding]:
    """Each labelled part is stated in a clause naming its role, and no clause naming only that role states a
    different value of the part's type."""
    findings = []
    tokens = name_tokens(text)
    labelled = [p for p in answer.parts if p.label]
    value_spans = [(start, end) for p in labelled for start, end, _ok in _values_with_spans(p, answer, text, tokens)]
    clauses = _clauses(text, value_spans)
    for part in labelled:
        rivals = [p for p in answer.parts if p.label and p.type == part.type and p is not part]
        values = _values_with_spans(part, answer, text, tokens)
        own = [c for c in clauses if _labelled(part, tokens, c)]
        stated = any(ok for c in own for (start, end, ok) in values if c[0] <= start and end <= c[1])
        alone = [c for c in own if not any(_labelled(r, tokens, c) for r in rivals)]
        wrong = [text[start:end] for c in alone for (start, end, ok) in values
                 if not ok and c[0] <= start and end <= c[1]]
        label = part.label[0]
        findings.append(Finding("label", f"{label}: {display(part)}", stated and not wrong,
                                f"{label} is given {wrong[0]!r}" if wrong else
                                "stated with its label" if stated else f"not stated next to {label!r}"))
    return findings


def _values_with_spans(part: Part, answer: Answer, text: str, tokens: list[Token]) -> list[tuple[int, int, bool]]:
    """(start, end, is this part's value) for every value of the part's type in the answer."""
    if part.type in NUMERIC_TYPES:
        return [(m.start, m.end, _same(part, m)) for m in _mentions(part.type, text, [part])]
    found = []
    for other in (*answer.parts, *answer.exclude):
        if other.type != part.type:
            continue
        for a, b in _name_spans(other, tokens):
            found.append((tokens[a].start, tokens[b - 1].end, other is part))
    return found


# --- the whole answer -------------------------------------------------------------------------------------

def score_answer(answer: Answer, given: str, intent: str = "") -> list[Finding]:
    """Every strict check of `given` against the typed reference; the answer passes when all hold."""
    if not answer.achievable:
        ok = starts_not_achievable(given)
        return [Finding("na", "N/A, then a reason", ok,
                        "declares the task unachievable" if ok else "does not begin with N/A")]
    text = normalise(given)
    if not text:
        return [Finding("value", answer.raw(), False, "empty answer")]
    findings = []
    if starts_not_achievable(given):
        findings.append(Finding("na", "an answer", False, "declares the task unachievable, but it is not"))
    words = word_count(text)
    fits = words <= answer.budget and len(text) <= MAX_CHARS_PER_WORD * answer.budget
    findings.append(Finding("length", f"at most {answer.budget} words", fits, f"{words} words, {len(text)} characters"))
    if not fits:
        return findings  # a page of text is not an answer; reading values out of it would say no more
    for kind in NUMERIC_TYPES:
        gold = [p for p in answer.parts if p.type == kind]
        excluded = [p for p in answer.exclude if p.type == kind]
        if gold or excluded:
            findings += _check_values(kind, gold, excluded, text, intent)
    for kind, check in (("name", _check_names), ("code", _check_codes)):
        gold = [p for p in answer.parts if p.type == kind]
        excluded = [p for p in answer.exclude if p.type == kind]
        if gold or excluded:
            findings += check(gold, excluded, text, is_name_list(answer))
    findings += [_check_yes_no(p, text) for p in answer.parts if p.type == "yes_no"]
    findings += _check_labels(answer, text)
    return findings


def is_name_list(answer: Answer) -> bool:
    """A list of names (`names([...])`): several unlabelled names and nothing else, matched as a set."""
    return len(answer.parts) >= 2 and all(p.type == "name" and not p.label for p in answer.parts)


def passes(answer: Answer, given: str, intent: str = "") -> bool:
    return all(finding.passed for finding in score_answer(answer, given, intent))
