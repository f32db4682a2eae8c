"""Typed reference answers: what a task's answer *is* (an amount of money, a duration, a set of names ...), the
distractors it must not be confused with, and how long an answer may be.

Strict scoring (`webenv.strict`) parses an agent's answer into the reference's type before comparing, so
harmless form ("$3.46–$85.00", "34 kilometers", "0h 12m", "**ALDI**", "Forbes Ave", "+1 412-659-4169") is
accepted while near misses that a substring test lets through ("134 km" for 34 km, "1 h 12 min" for 12 min, a list
with one extra name, "X or Y") are not. A task generator states the typed answer once; the WebArena-compatible
`reference_answers` block of the exported config is derived from it (`Answer.must_include()` /
`Answer.must_exclude()`), so a harness that knows only WebArena's rules still scores it sensibly.

Each `Part` is one value the answer must state. Several parts of one type form a set: every one must be stated
and no other value of that type may be (a price range is two `money` parts; a list of names is `names(...)`).
`exclude` holds distractors — the runner-up, the other option, a neighbouring value — whose mention fails the
answer even where extra values would otherwise be tolerated (names, codes). A part may be tied to a `label`
(words such as "walking"): then its value must be stated in the same clause as one of those words, which is what
tells "walking 1:36, driving 0:12" from the swapped answer.

JSON (in a config's `eval.answer`):
    {"parts": [{"type": "money", "value": 3.46}, {"type": "money", "value": 85.0}],
     "exclude": [{"type": "money", "value": 4.99}], "max_words": 31}
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

AnswerType = Literal["number", "count", "money", "date", "duration", "distance", "name", "code", "phone",
                     "yes_no", "na"]
ANSWER_TYPES: tuple[str, ...] = AnswerType.__args__  # type: ignore[attr-defined]
NOT_ACHIEVABLE = "N/A"
OR = " |OR| "


class AnswerSpecError(ValueError):
    """A typed answer that cannot be scored (unknown type, a value of the wrong kind); names the field."""


@dataclass(frozen=True)
class Part:
    """One typed value of a reference answer (or of a distractor).

    value:     number/count/money: the number (money in dollars); date: ISO "YYYY-MM-DD"; duration: seconds;
               distance: metres; name/code/phone: the text; yes_no: True for yes; na: None.
    aliases:   other spellings that mean the same (a name's short form, "372" for order "000000372").
    tolerance: how far a stated value may be from `value` and still be it — for numbers an absolute amount
               (coordinates to ±0.0005); for durations and distances the precision the page shows the value with
               (60 s for h:mm; 1000 m for "34km"), so a stated value that rounds to the shown one is accepted.
    label:     words that name this value's role; the value must be stated in a clause with one of them.
    """

    type: str
    value: Any = None
    aliases: tuple[str, ...] = ()
    tolerance: float = 0.0
    label: tuple[str, ...] = ()

    def about(self, *words: str) -> Part:
        """This part tied to a role: it must be stated next to one of `words` ("walking", "on foot")."""
        return replace(self, label=tuple(words))

    def also(self, *aliases: str) -> Part:
        """This part with more accepted spellings."""
        return replace(self, aliases=tuple(dict.fromkeys((*self.aliases, *aliases))))

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"type": self.type}
        if self.type != "na":
            data["value"] = list(self.value) if isinstance(self.value, tuple) else self.value
        if self.aliases:
            data["aliases"] = list(self.aliases)
        if self.tolerance:
            data["tolerance"] = self.tolerance
        if self.label:
            data["label"] = list(self.label)
        return data

    @property
    def words(self) -> int:
        """How many words the canonical statement of this value takes (for the length budget)."""
        return max(1, len(display(self).split()))


# --- constructors: what task generators write -------------------------------------------------------------

def number(value: float, *, tolerance: float = 0.0) -> Part:
    """A plain number (a rating, a coordinate); `tolerance` is the largest accepted absolute difference."""
    return Part("number", float(value), tolerance=tolerance)


def count(value: int) -> Part:
    """How many of something: a whole number, which may be spelled out ("two")."""
    if int(value) != value:
        raise AnswerSpecError(f"a count must be a whole number, got {value!r}")
    return Part("count", int(value))


def money(dollars: float) -> Part:
    """An amount in dollars ("$1,364.97", "1364.97 USD", "$85" for 85.00)."""
    return Part("money", round(float(dollars), 2))


def cents(amount: int) -> Part:
    """An amount given in cents, as the seed databases store prices."""
    return money(amount / 100)


def date(value: dt.date | str) -> Part:
    """A calendar day, whatever way it is written (January 16, 2023; 2023-01-16; 1/16/2023)."""
    day = value if isinstance(value, dt.date) else dt.date.fromisoformat(value)
    return Part("date", day.isoformat())


def duration(seconds: float, *, precision: float = 60) -> Part:
    """A length of time in seconds, shown with `precision` (60 s for h:mm); "0:12", "12 min", "0h 12m"."""
    return Part("duration", float(seconds), tolerance=float(precision))


def distance(metres: float, *, precision: float = 1) -> Part:
    """A length in metres as shown with `precision` (1000 for "34km", 100 for "1.4km", 1 for "871m")."""
    return Part("distance", float(metres), tolerance=float(precision))


def name(text: str, *aliases: str) -> Part:
    """A name (a person, a place, a product, a status): matched as whole words after harmless normalisation
    (case, accents, markdown, quotes, "Ave"/"Avenue")."""
    return Part("name", text, aliases=tuple(aliases))


def names(items: Iterable[str | Part]) -> tuple[Part, ...]:
    """A list of names, matched as a set: every one stated, none added."""
    parts = tuple(item if isinstance(item, Part) else name(item) for item in items)
    if not parts:
        raise AnswerSpecError("a list of names needs at least one name")
    return parts


def code(text: str, *aliases: str) -> Part:
    """An identifier matched as one whole token, case-insensitively: a SKU, an order number, a zip code, an
    e-mail address, a username."""
    return Part("code", text, aliases=tuple(aliases))


def phone(text: str) -> Part:
    """A phone number, compared by its digits (a leading country code 1 is optional)."""
    return Part("phone", text)


def neighbours(part: Part, *steps: float) -> list[Part]:
    """Distractors next to a numeric value: the value moved by each step ("off by one": `neighbours(count(18),
    -1, 1)`), leaving out steps that make no sense (a negative count)."""
    moved = [replace(part, value=type(part.value)(part.value + step)) for step in steps]
    return [p for p in moved if p.type not in ("count", "money", "duration", "distance") or p.value >= 0]


def yes_no(value: bool) -> Part:
    return Part("yes_no", bool(value))


def not_achievable() -> Part:
    """The task cannot be done: the answer must begin with "N/A" (a reason may follow)."""
    return Part("na")


# --- the whole answer -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Answer:
    """A typed reference answer: the parts it must state, the distractors it must not, a length budget."""

    parts: tuple[Part, ...]
    exclude: tuple[Part, ...] = ()
    max_words: int = 0  # 0: the default budget, `default_max_words(parts)`

    @classmethod
    def of(cls, answer: Any, exclude: Iterable[Part | Sequence[Part]] = (), max_words: int = 0) -> Answer:
        """An Answer from what generators write: a Part, names(...), or a list mixing them."""
        if isinstance(answer, Answer):
            return replace(answer, exclude=(*answer.exclude, *_flatten(exclude)), max_words=max_words or
                           answer.max_words)
        parts = _flatten([answer])
        if not parts:
            raise AnswerSpecError("a typed answer needs at least one part")
        if any(part.type == "na" for part in parts) and len(parts) > 1:
            raise AnswerSpecError("an N/A answer has no other parts")
        # A distractor that reads the same as the answer is no distractor (a 1-minute drive that is also a
        # 1-minute ride): dropping it keeps the right answer right.
        shown = {(part.type, display(part).casefold()) for part in parts}
        distractors = tuple(x for x in _flatten(exclude) if (x.type, display(x).casefold()) not in shown)
        return cls(parts=parts, exclude=distractors, max_words=max_words)

    @property
    def achievable(self) -> bool:
        return not any(part.type == "na" for part in self.parts)

    @property
    def budget(self) -> int:
        """The most words an answer may have (an over-long answer is a page dump, not an answer)."""
        return self.max_words or default_max_words(self.parts)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"parts": [part.to_json() for part in self.parts]}
        if self.exclude:
            data["exclude"] = [part.to_json() for part in self.exclude]
        data["max_words"] = self.budget
        return data

    @classmethod
    def from_json(cls, raw: Any, where: str = "eval.answer") -> Answer:
        if not isinstance(raw, Mapping):
            raise AnswerSpecError(f"field '{where}' must be an object")
        unknown = set(raw) - {"parts", "exclude", "max_words"}
        if unknown:
            raise AnswerSpecError(f"field '{where}' has unknown keys {sorted(unknown)}")
        parts = _parts_from_json(raw.get("parts"), f"{where}.parts", required=True)
        exclude = _parts_from_json(raw.get("exclude", []), f"{where}.exclude")
        max_words = raw.get("max_words", 0)
        if not isinstance(max_words, int) or isinstance(max_words, bool) or max_words < 0:
            raise AnswerSpecError(f"field '{where}.max_words' must be a non-negative integer")
        if any(part.type == "na" for part in parts) and len(parts) > 1:
            raise AnswerSpecError(f"field '{where}.parts': an N/A answer has no other parts")
        return cls(parts=parts, exclude=exclude, max_words=max_words)

    # WebArena-compatible rules (VisualAgentBench semantics) derived from the typed answer.
    def must_include(self) -> list[str]:
        return [phrases(part) for part in self.parts]

    def must_exclude(self) -> list[str]:
        return [alternative for part in self.exclude for alternative in phrases(part).split(OR)]

    def raw(self) -> str:
        """The answer as a person would write it (the config's raw annotation)."""
        return ", ".join(display(part) for part in self.parts)


def default_max_words(parts: Sequence[Part]) -> int:
    """Room for the values, a sentence around them and a short reason — 25 words, plus three per word of the
    values — but not for pages of text."""
    return 25 + 3 * sum(part.words for part in parts if part.type != "na")


def _flatten(items: Iterable[Any]) -> tuple[Part, ...]:
    flat: list[Part] = []
    for item in items:
        if isinstance(item, Part):
            flat.append(item)
        elif isinstance(item, (list, tuple)):
            flat.extend(_flatten(item))
        else:
            raise AnswerSpecError(f"not an answer part: {item!r} (use money(...), name(...), ...)")
    return tuple(flat)


def _parts_from_json(raw: Any, where: str, *, required: bool = False) -> tuple[Part, ...]:
    if not isinstance(raw, list) or (required and not raw):
        raise AnswerSpecError(f"field '{where}' must be a {'non-empty ' if required else ''}list of parts")
    return tuple(part_from_json(item, f"{where}[{i}]") for i, item in enumerate(raw))


def part_from_json(raw: Any, where: str) -> Part:
    """Validate one part; the error names the field."""
    if not isinstance(raw, Mapping):
        raise AnswerSpecError(f"field '{where}' must be an object")
    unknown = set(raw) - {"type", "value", "aliases", "tolerance", "label"}
    if unknown:
        raise AnswerSpecError(f"field '{where}' has unknown keys {sorted(unknown)}")
    kind = raw.get("type")
    if kind not in ANSWER_TYPES:
        raise AnswerSpecError(f"field '{where}.type' must be one of {', '.join(ANSWER_TYPES)}, got {kind!r}")
    value: Any = raw.get("value")
    numeric = kind in ("number", "count", "money", "duration", "distance")
    if numeric and (isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value)):
        raise AnswerSpecError(f"field '{where}.value' must be a number for type {kind}")
    if kind == "count" and int(value) != value:
        raise AnswerSpecError(f"field '{where}.value' must be a whole number for type count")
    if kind in ("name", "code", "phone") and (not isinstance(value, str) or not value.strip()):
        raise AnswerSpecError(f"field '{where}.value' must be a non-empty string for type {kind}")
    if kind == "date":
        try:
            dt.date.fromisoformat(str(value))
        except ValueError as exc:
            raise AnswerSpecError(f"field '{where}.value' must be an ISO date (YYYY-MM-DD) for type date") from exc
    if kind == "yes_no" and not isinstance(value, bool):
        raise AnswerSpecError(f"field '{where}.value' must be true or false for type yes_no")
    aliases, label = raw.get("aliases", []), raw.get("label", [])
    for key, items in (("aliases", aliases), ("label", label)):
        if not isinstance(items, list) or not all(isinstance(item, str) and item.strip() for item in items):
            raise AnswerSpecError(f"field '{where}.{key}' must be a list of non-empty strings")
    tolerance = raw.get("tolerance", 0.0)
    if isinstance(tolerance, bool) or not isinstance(tolerance, (int, float)) or tolerance < 0:
        raise AnswerSpecError(f"field '{where}.tolerance' must be a non-negative number")
    if kind == "count":
        value = int(value)
    elif numeric:
        value = float(value)
    return Part(kind, value, aliases=tuple(aliases), tolerance=float(tolerance), label=tuple(label))


# --- how values are written -------------------------------------------------------------------------------

def _plain(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def hours_minutes(seconds: float) -> tuple[int, int]:
    minutes = math.floor(seconds / 60 + 0.5)
    return divmod(minutes, 60)


def display(part: Part) -> str:
    """The value as a page would show it: "$1,364.97", "0:12", "34km", "January 16, 2023", "Yes", "N/A"."""
    if part.type == "money":
        return f"${part.value:,.2f}"
    if part.type in ("number", "count"):
        return _plain(part.value)
    if part.type == "duration":
        hours, minutes = hours_minutes(part.value)
        return f"{hours}:{minutes:02d}"
    if part.type == "distance":
        if part.value < 1000 and part.tolerance < 1000:
            return f"{_plain(round(part.value))}m"
        digits = max(0, -math.floor(math.log10(part.tolerance / 1000))) if part.tolerance else 1
        return f"{part.value / 1000:.{min(digits, 3)}f}km"
    if part.type == "date":
        day = dt.date.fromisoformat(part.value)
        return f"{day:%B} {day.day}, {day.year}"
    if part.type == "yes_no":
        return "Yes" if part.value else "No"
    if part.type == "na":
        return NOT_ACHIEVABLE
    return str(part.value)


def phrases(part: Part) -> str:
    """WebArena must_include alternatives (" |OR| ") for a part, as people and pages write it."""
    options: list[str] = []
    if part.type == "money":
        options = [f"{part.value:.2f}", f"{part.value:,.2f}"]
        if float(part.value).is_integer():
            options.append(_plain(part.value))
    elif part.type == "duration":
        hours, minutes = hours_minutes(part.value)
        options = [f"{hours}:{minutes:02d}"]
        if hours == 0:
            options += [f"{minutes} min", f"{minutes}min"]
        else:
            unit = "hour" if hours == 1 else "hours"
            options += [f"{hours}h {minutes}min", f"{hours} h {minutes} min", f"{hours} {unit} {minutes} min",
                        f"{hours} {unit} and {minutes} min"]
    elif part.type == "distance":
        shown = display(part)
        number_text = shown.removesuffix("km").removesuffix("m")
        options = [shown, f"{number_text} {shown[len(number_text):]}"]
    elif part.type == "date":
        day = dt.date.fromisoformat(part.value)
        options = [display(part), f"{day.month}/{day.day}/{day.year}", day.isoformat()]
    elif part.type == "phone":
        digits = "".join(ch for ch in part.value if ch.isdigit())[-10:]
        area, exchange, line = digits[:3], digits[3:6], digits[6:]
        options = [f"{area} {exchange} {line}", f"({area}) {exchange}-{line}", f"{area}-{exchange}-{line}"]
    else:
        options = [display(part)]
    options += list(part.aliases)
    return OR.join(dict.fromkeys(options))
