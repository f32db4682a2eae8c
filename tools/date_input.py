"""Turn the dates and times people (and models) write into the value formats of HTML date/time inputs.

`<input type=date>` only takes `2010-05-20`; Playwright's `fill` with `05/20/2010` leaves it empty and reports
success. A model reads "born May 20, 2010" in a task and writes it the same way, so `type` converts first:
common English forms for each input type, numeric day/month order decided by the values (`20/05/2010` can only
be day-first; an ambiguous `05/06/2010` is read month-first, as in the US forms WebArena's sites use).
"""

from __future__ import annotations

import datetime as dt
import re

FORMATS = {"date": "YYYY-MM-DD", "time": "HH:MM", "datetime-local": "YYYY-MM-DDTHH:MM", "month": "YYYY-MM",
           "week": "YYYY-Www"}
_MONTHS = {name: index for index, names in enumerate(
    [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",), ("jun", "june"),
     ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
     ("dec", "december")], start=1) for name in names}
_WEEKDAY = re.compile(r"^(mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)[a-z]*\.?,?\s+", re.I)
_MONTH_WORD = r"([A-Za-z]{3,9})\.?"
_TIME = re.compile(r"^(\d{1,2})(?::(\d{2}))?(?::(\d{2}))?\s*([ap])\.?\s*m?\.?$|^(\d{1,2}):(\d{2})(?::(\d{2}))?$", re.I)


class DateInputError(ValueError):
    """Text that is not a date/time of the input's kind; the message shows the accepted forms."""


def _year(text: str) -> int:
    year = int(text)
    if len(text) <= 2:
        year += 2000 if year < 70 else 1900
    return year


def _month(word: str) -> int:
    month = _MONTHS.get(word.lower().rstrip("."))
    if month is None:
        raise DateInputError(f"{word!r} is not a month name")
    return month


def parse_date(text: str) -> dt.date:
    """ISO, 05/20/2010, 20/05/2010, 20.05.2010, 2010/05/20, May 20, 2010, 20 May 2010, Thursday, May 20, 2010."""
    cleaned = _WEEKDAY.sub("", " ".join(text.strip().split()))
    cleaned = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", cleaned, flags=re.I)
    try:
        if m := re.fullmatch(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})", cleaned):
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        if m := re.fullmatch(r"(\d{1,2})([-/.])(\d{1,2})\2(\d{2}|\d{4})", cleaned):
            first, second, year = int(m[1]), int(m[3]), _year(m[4])
            if m[2] == "." or first > 12:  # 20.05.2010 and 20/05/2010 are day-first
                return dt.date(year, second, first)
            return dt.date(year, first, second)
        if m := re.fullmatch(_MONTH_WORD + r"\s+(\d{1,2}),?\s+(\d{4})", cleaned):
            return dt.date(int(m[3]), _month(m[1]), int(m[2]))
        if m := re.fullmatch(r"(\d{1,2})\s+" + _MONTH_WORD + r",?\s+(\d{4})", cleaned):
            return dt.date(int(m[3]), _month(m[2]), int(m[1]))
        if m := re.fullmatch(r"(\d{4})\s+" + _MONTH_WORD + r"\s+(\d{1,2})", cleaned):
            return dt.date(int(m[1]), _month(m[2]), int(m[3]))
    except ValueError as exc:
        raise DateInputError(f"{text!r} is not a valid date ({exc})") from None
    raise DateInputError(f"{text!r} is not a date I can read; write it as 2010-05-20, 05/20/2010 or May 20, 2010")


def parse_time(text: str) -> dt.time:
    """15:45, 15:45:10, 3:45 PM, 3pm, 3:45:10 p.m."""
    cleaned = " ".join(text.strip().split())
    m = _TIME.fullmatch(cleaned)
    if not m:
        raise DateInputError(f"{text!r} is not a time I can read; write it as 15:45 or 3:45 PM")
    try:
        if m[4]:
            hour = int(m[1])
            if not 1 <= hour <= 12:
                raise DateInputError(f"{text!r}: the hour of a 12-hour time is 1-12")
            hour = hour % 12 + (12 if m[4].lower() == "p" else 0)
            return dt.time(hour, int(m[2] or 0), int(m[3] or 0))
        return dt.time(int(m[5]), int(m[6]), int(m[7] or 0))
    except ValueError as exc:
        raise DateInputError(f"{text!r} is not a valid time ({exc})") from None


def _split_datetime(text: str) -> tuple[str, str]:
    cleaned = " ".join(text.strip().split())
    if m := re.fullmatch(r"(\d{4}-\d{1,2}-\d{1,2})[T ](.+)", cleaned):
        return m[1], m[2]
    # The time is the trailing "h:mm[:ss] [am|pm]" or "3pm"; the rest (minus "at" or a comma) is the date.
    if m := re.fullmatch(r"(.+?)(?:,|\s+at|\s)\s*(\d{1,2}(?::\d{2}){0,2}\s*(?:[ap]\.?\s*m?\.?)?)", cleaned, re.I):
        return m[1], m[2]
    raise DateInputError(f"{text!r} is not a date and time I can read; write it as 2010-05-20 15:45 or "
                         "05/20/2010 3:45 PM")


def _format_time(value: dt.time) -> str:
    return value.strftime("%H:%M:%S" if value.second else "%H:%M")


def normalize(kind: str, text: str) -> str:
    """The value an `<input type=kind>` accepts for `text`; raises DateInputError with the accepted forms."""
    text = text.strip()
    if len(text) > 80:
        raise DateInputError(f"{text[:40]!r}… is too long to be a {kind}")
    if kind == "date":
        return parse_date(text).isoformat()
    if kind == "time":
        return _format_time(parse_time(text))
    if kind == "datetime-local":
        date_part, time_part = _split_datetime(text)
        return f"{parse_date(date_part).isoformat()}T{_format_time(parse_time(time_part))}"
    if kind == "month":
        cleaned = " ".join(text.split())
        if m := re.fullmatch(r"(\d{4})-(\d{1,2})", cleaned):
            year, month = int(m[1]), int(m[2])
        elif m := re.fullmatch(r"(\d{1,2})[/.-](\d{4})", cleaned):
            year, month = int(m[2]), int(m[1])
        elif m := re.fullmatch(_MONTH_WORD + r",?\s+(\d{4})", cleaned):
            year, month = int(m[2]), _month(m[1])
        else:
            return parse_date(text).strftime("%Y-%m")
        if not 1 <= month <= 12:
            raise DateInputError(f"{text!r}: there is no month {month}")
        return f"{year:04d}-{month:02d}"
    if kind == "week":
        cleaned = " ".join(text.split())
        if m := re.fullmatch(r"(\d{4})-?W(\d{1,2})", cleaned, re.I):
            year, week = int(m[1]), int(m[2])
        elif m := re.fullmatch(r"(?:week|wk)\s*(\d{1,2}),?\s+(?:of\s+)?(\d{4})", cleaned, re.I):
            year, week = int(m[2]), int(m[1])
        elif m := re.fullmatch(r"(\d{4}),?\s+(?:week|wk)\s*(\d{1,2})", cleaned, re.I):
            year, week = int(m[1]), int(m[2])
        else:
            year, week, _day = parse_date(text).isocalendar()
        weeks_in_year = dt.date(year, 12, 28).isocalendar()[1]
        if not 1 <= week <= weeks_in_year:
            raise DateInputError(f"{text!r}: {year} has weeks 1-{weeks_in_year}")
        return f"{year:04d}-W{week:02d}"
    raise DateInputError(f"{kind!r} is not a date/time input type")
