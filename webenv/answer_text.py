"""Reading typed values out of free-text answers: the harmless-form normaliser and one extractor per kind of value.

An agent writes "$3.46–$85.00", "**ALDI**", "0h 12m", "34 kilometers", "+1 412-659-4169", "two"; a page shows
"$3.46", "ALDI", "0:12", "34km", "412 659 4169", "2". Everything here turns the first into values comparable with
the second, and nothing more: it never decides whether an answer is right (that is `webenv.strict`). Each
extractor returns `Mention`s with the character span they came from, so a clause ("walking: 1:36") can be tied to
its value, and a span used by one kind of value (a date "11/20/2013") is not read again as another (three numbers).

Pure string logic, no dependencies: the evaluators, the scoring tests and anyone auditing a score share it.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

# --- normalisation ----------------------------------------------------------------------------------------

_TYPOGRAPHY = str.maketrans({
    "’": "'", "‘": "'", "“": '"', "”": '"', "„": '"', "«": '"', "»": '"',
    "–": "-", "—": "-", "‐": "-", "‑": "-", "‒": "-", "−": "-", "\u00a0": " ", "\u2009": " ", "\u202f": " ",
})
_MD_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_MD_EMPHASIS = re.compile(r"(\*\*|__|\*|`+|~~)")
_LINE_MARKER = re.compile(r"^\s*(?:#{1,6}\s+|>\s*|[-*+•]\s+|\d{1,2}[.)]\s+(?=\D))", re.MULTILINE)


def normalise(answer: str) -> str:
    """The answer with harmless form removed: Unicode compatibility forms, typographic quotes and dashes,
    markdown (emphasis, links, headings, bullets, list numbers), surrounding quotes, runs of spaces. Line breaks
    are kept (they separate list items)."""
    text = unicodedata.normalize("NFKC", answer).translate(_TYPOGRAPHY)
    text = _MD_LINK.sub(r"\1", text)
    text = _MD_EMPHASIS.sub("", text)
    text = _LINE_MARKER.sub("", text)
    lines = [" ".join(line.split()) for line in text.splitlines()]
    text = "\n".join(line for line in lines if line).strip()
    while len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        text = text[1:-1].strip()
    return text


def word_count(text: str) -> int:
    return len(text.split())


def starts_not_achievable(answer: str) -> bool:
    """The answer declares the task unachievable: it begins with "N/A" (any case), then nothing, punctuation or a
    reason — the form the executor prompt asks for."""
    return re.match(r"n\s*/\s*a(?![a-z0-9])", normalise(answer), re.IGNORECASE) is not None


# --- mentions ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Mention:
    """A value found in an answer: its kind, its value in the reference's unit, the precision it was stated
    with (in the same unit), and where it was found."""

    kind: str
    value: float | str
    start: int
    end: int
    precision: float = 0.0


_NUMBER_WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "a hundred": 100, "one hundred": 100,
    "a dozen": 12, "a couple of": 2, "no": 0, "none": 0,
}
_WORD_NUMBER = re.compile(r"\b(" + "|".join(sorted(map(re.escape, _NUMBER_WORDS), key=len, reverse=True))
                          + r")\b", re.IGNORECASE)
_HALF_HOUR = re.compile(r"\bhalf an hour\b", re.IGNORECASE)
_AN_HOUR = re.compile(r"\ban? hour\b", re.IGNORECASE)


_LINKISH = re.compile(r"[^\s@]++@\S+|\w++://\S+")  # possessive: no backtracking on long tokens


def mask_links(text: str) -> str:
    """E-mail addresses and URLs blanked out (same length): a name is not stated by an address that contains it
    ("matthew.bennett@yahoo.com" does not name Matthew Bennett)."""
    return _LINKISH.sub(lambda match: " " * len(match.group(0)), text)


def spelled_out(text: str) -> str:
    """Small numbers written as words become digits ("two" -> "2", "an hour" -> "1 hour"); used only when an
    answer states no number in digits, so "one of them" next to a real number is never read as 1."""
    text = _HALF_HOUR.sub("30 minutes", text)
    text = _AN_HOUR.sub("1 hour", text)

    def number(match: re.Match[str]) -> str:
        return str(_NUMBER_WORDS[match.group(1).lower()])

    return _WORD_NUMBER.sub(number, text)


_MONTHS = {name: index for index, names in enumerate((
    ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",), ("jun", "june"),
    ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
    ("dec", "december")), start=1) for name in names}
_MONTH = r"(" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DATE_PATTERNS = (
    (re.compile(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)"), "ymd"),
    (re.compile(r"(?<![\d/])(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})(?![\d/])"), "mdy"),
    (re.compile(r"\b" + _MONTH + r"\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b", re.IGNORECASE), "Mdy"),
    (re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MONTH + r",?\s+(\d{4})\b", re.IGNORECASE), "dMy"),
)


def dates(text: str) -> list[Mention]:
    found: list[Mention] = []
    for pattern, order in _DATE_PATTERNS:
        for match in pattern.finditer(text):
            if _overlaps(found, match.start(), match.end()):
                continue
            a, b, c = match.groups()
            try:
                if order == "ymd":
                    day = dt.date(int(a), int(b), int(c))
                elif order == "mdy":
                    year = int(c) + (2000 if len(c) == 2 else 0)
                    day = dt.date(year, int(a), int(b))
                elif order == "Mdy":
                    day = dt.date(int(c), _MONTHS[a.lower()], int(b))
                else:
                    day = dt.date(int(c), _MONTHS[b.lower()], int(a))
            except ValueError:
                continue
            found.append(Mention("date", day.isoformat(), match.start(), match.end()))
    return sorted(found, key=lambda m: m.start)


_PHONE = re.compile(r"(?<![\d-])(?:\+?1[\s.-]?)?\(?(\d{3})\)?[\s.-]?(\d{3})[\s.-]?(\d{4})(?![\d-])")


def phones(text: str) -> list[Mention]:
    return [Mention("phone", "".join(m.groups()), m.start(), m.end()) for m in _PHONE.finditer(text)]


_NUM = r"(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)"
_HOURS = r"(?:hours?|hrs?|h)(?:\b|(?=\d))"  # "1h36m" as well as "1 h"
_MINUTES = r"(?:minutes?|mins?|m)"
_DURATION_PATTERNS = (
    # h:mm (what the map shows), optionally followed by a unit word
    (re.compile(r"(?<![\d:.])(\d+):([0-5]\d)(?::([0-5]\d))?(?![\d:])(?:\s*(?:hours?|hrs?|h)\b)?", re.IGNORECASE),
     "clock"),
    (re.compile(r"(?<![\w.])" + _NUM + r"\s*" + _HOURS + r"\.?(?:\s*(?:and\s+|,\s*)?" + _NUM + r"\s*" + _MINUTES
                + r"\b\.?)?", re.IGNORECASE), "hm"),
    (re.compile(r"(?<![\w.])" + _NUM + r"\s*" + _MINUTES + r"\b\.?", re.IGNORECASE), "m"),
)


def _num(text: str) -> float:
    return float(text.replace(",", ""))


def _decimals(text: str) -> int:
    return len(text.split(".")[1]) if "." in text else 0


def durations(text: str) -> list[Mention]:
    """Lengths of time in seconds: "0:12", "1:36 h", "1 h 36 min", "1 hour and 36 minutes", "96 min", "0h 12m",
    "1.5 hours"."""
    found: list[Mention] = []
    for pattern, form in _DURATION_PATTERNS:
        for match in pattern.finditer(text):
            if _overlaps(found, match.start(), match.end()):
                continue
            if form == "clock":
                hours, minutes, seconds = match.groups()
                value = int(hours) * 3600 + int(minutes) * 60 + int(seconds or 0)
                precision = 1.0 if seconds else 60.0
            elif form == "hm":
                hours, minutes = match.groups()
                value = _num(hours) * 3600 + (_num(minutes) * 60 if minutes else 0)
                precision = 60.0 if minutes or not _decimals(hours) else 3600 / 10 ** _decimals(hours)
            else:
                (minutes,) = match.groups()
                value, precision = _num(minutes) * 60, 60 / 10 ** _decimals(minutes)
            found.append(Mention("duration", float(value), match.start(), match.end(), precision))
    return sorted(found, key=lambda m: m.start)


_DISTANCE_UNITS = (
    (r"(?:km|kms|kilomet(?:er|re)s?)", 1000.0), (r"(?:mi|miles?)", 1609.344), (r"(?:ft|feet|foot)", 0.3048),
    (r"(?:yd|yds|yards?)", 0.9144), (r"(?:m|met(?:er|re)s?)", 1.0),
)
_DISTANCE = re.compile(r"(?<![\w.])" + _NUM + r"\s*(" + "|".join(unit for unit, _ in _DISTANCE_UNITS) + r")\b\.?",
                       re.IGNORECASE)


def distances(text: str) -> list[Mention]:
    """Lengths in metres: "34 km", "34km", "34 kilometers", "871 m", "0.87 km", "21.1 miles"."""
    found = []
    for match in _DISTANCE.finditer(text):
        number_text, unit = match.groups()
        scale = next(factor for pattern, factor in _DISTANCE_UNITS if re.fullmatch(pattern, unit, re.IGNORECASE))
        precision = scale / 10 ** _decimals(number_text)
        found.append(Mention("distance", _num(number_text) * scale, match.start(), match.end(), precision))
    return found


_MONEY_MARKED = (
    re.compile(r"(?:US\s?|USD\s?)?\$\s?" + _NUM, re.IGNORECASE),
    re.compile(r"(?<![\w.])" + _NUM + r"\s*(?:USD|US dollars?|dollars?|bucks)\b", re.IGNORECASE),
)


def money(text: str) -> list[Mention]:
    """Amounts in dollars marked as money ("$1,364.97", "1364.97 USD", "85 dollars")."""
    found: list[Mention] = []
    for pattern in _MONEY_MARKED:
        for match in pattern.finditer(text):
            if not _overlaps(found, match.start(), match.end()):
                found.append(Mention("money", round(_num(match.group(1)), 2), match.start(), match.end(), 0.01))
    return sorted(found, key=lambda m: m.start)


_PLAIN = re.compile(r"(?<![\w.,/#@$])" + _NUM + r"(\s*°)?(?:\s*([NSEW])\b)?(\s*(?:%|percent\b))?(?![\w/@]|:\d)",
                    re.IGNORECASE)


def numbers(text: str) -> list[Mention]:
    """Plain numbers ("18", "1,236.43", "-80.0034", "40.4572° N", "80.0034 W" = -80.0034); percentages come back
    with kind "percent". A number glued to a word ("a11y", "top-3", "S21") is part of a name, not a number; a dash
    between two numbers ("3.46-85.00") is a range, not a minus."""
    found = []
    for match in _PLAIN.finditer(text):
        number_text, _degree, hemisphere, percent = match.groups()
        before = text[match.start() - 1] if match.start() else ""
        before2 = text[match.start() - 2] if match.start() >= 2 else ""
        if before == "-" and before2.isalpha():
            continue
        negative = before == "-" and (not before2 or (not before2.isalnum() and before2 not in "%$)"))
        value = _num(number_text) * (-1 if negative else 1)
        if hemisphere and hemisphere.upper() in "SW":
            value = -abs(value)
        kind = "percent" if percent else "number"
        start = match.start() - 1 if negative else match.start()
        found.append(Mention(kind, value, start, match.end(), 10.0 ** -_decimals(number_text)))
    return found


def _overlaps(found: list[Mention], start: int, end: int) -> bool:
    return any(start < m.end and m.start < end for m in found)


def without(text: str, spans: list[Mention]) -> str:
    """The text with the given spans blanked out (same length, so later spans keep their offsets)."""
    chars = list(text)
    for mention in spans:
        chars[mention.start:mention.end] = " " * (mention.end - mention.start)
    return "".join(chars)


def values_in_question(intent: str) -> set[float]:
    """Every number a question states (its echo in an answer is not an extra value)."""
    return {_num(token) for token in re.findall(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?", intent)}


# --- names ------------------------------------------------------------------------------------------------

STREET_TYPES = {
    "ave": "avenue", "av": "avenue", "st": "street", "str": "street", "blvd": "boulevard", "rd": "road",
    "dr": "drive", "ln": "lane", "ct": "court", "pl": "place", "pkwy": "parkway", "hwy": "highway",
    "sq": "square", "ter": "terrace", "cir": "circle", "expy": "expressway", "fwy": "freeway", "mt": "mount",
    "ft": "fort", "n": "north", "s": "south", "e": "east", "w": "west",
}
_NAME_TOKEN = re.compile(r"[0-9a-z]+(?:'[0-9a-z]+)*|&")


@dataclass(frozen=True)
class Token:
    text: str  # normalised
    start: int  # span in the text it was read from
    end: int


def _fold_char(ch: str) -> str:
    base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c)).lower()
    if len(base) == 1:
        return base
    lower = ch.lower()
    return lower if len(lower) == 1 else ch


def fold(text: str) -> str:
    """Lower case without accents, one character for one (so offsets into the result are offsets into `text`)."""
    return "".join(_fold_char(ch) for ch in text)


def name_tokens(text: str) -> list[Token]:
    """Word tokens of a name or an answer: folded, apostrophes dropped ("Men's" -> "mens"), "&" read as "and",
    street-type abbreviations spelled out ("Ave" -> "avenue"). Offsets point into `text`."""
    tokens = []
    for match in _NAME_TOKEN.finditer(fold(text)):
        word = match.group(0).replace("'", "")
        word = "and" if word == "&" else STREET_TYPES.get(word, word)
        tokens.append(Token(word, match.start(), match.end()))
    return tokens


def name_key(text: str) -> tuple[str, ...]:
    """A name as the sequence of words it is matched by (a leading "the" dropped)."""
    words = tuple(token.text for token in name_tokens(text))
    return words[1:] if len(words) > 1 and words[0] == "the" else words


def find_name(key: tuple[str, ...], tokens: list[Token]) -> list[tuple[int, int]]:
    """Every place the words of `key` occur in a row among `tokens`, as token index ranges."""
    width = len(key)
    if not width:
        return []
    words = [token.text for token in tokens]
    return [(i, i + width) for i in range(len(words) - width + 1) if tuple(words[i:i + width]) == key]


