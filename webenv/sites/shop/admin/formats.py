"""How the admin reads and writes money, dates and statuses.

People (and agents) type dates in many shapes; the admin accepts the common ones and echoes them back in one
canonical shape, the way Magento's date pickers do. Reports show `M/D/YY` (Magento's report locale format, which
WebArena's report tasks check), grid filters show `MM/DD/YYYY`.
"""

from __future__ import annotations

import re
from datetime import date, datetime

ORDER_STATUSES: dict[str, str] = {
    "pending": "Pending",
    "processing": "Processing",
    "complete": "Complete",
    "canceled": "Canceled",
    "on_hold": "On Hold",
}

# Magento's review status ids (status_id) and labels; the database stores the words.
REVIEW_STATUSES: dict[str, tuple[int, str]] = {
    "approved": (1, "Approved"),
    "pending": (2, "Pending"),
    "rejected": (3, "Not Approved"),
}
REVIEW_STATUS_BY_ID: dict[int, str] = {number: key for key, (number, _) in REVIEW_STATUSES.items()}

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_TEXT_FORMATS = ("%b %d, %Y", "%B %d, %Y", "%b %d %Y", "%B %d %Y", "%d %b %Y", "%d %B %Y")


def money(cents: int | None) -> str:
    """`$1,234.56`, as Magento's admin grids show prices and totals."""
    value = (cents or 0) / 100
    sign = "-" if value < 0 else ""
    return f"{sign}${abs(value):,.2f}"


def plain_amount(cents: int) -> str:
    """`1234.56`: the value of a price input (no currency sign, no thousands separator)."""
    return f"{cents / 100:.2f}"


def parse_amount(text: str) -> int | None:
    """Cents from what someone typed in a price field (`27`, `27.5`, `$1,027.00`); None when it is not money."""
    cleaned = text.strip().replace(",", "").removeprefix("$").strip()
    if not re.fullmatch(r"\d+(\.\d{1,2})?|\.\d{1,2}", cleaned):
        return None
    whole, _, fraction = cleaned.partition(".")
    return int(whole or "0") * 100 + int((fraction + "00")[:2])


def parse_user_date(text: str | None) -> date | None:
    """A date from `M/D/YY`, `MM/DD/YYYY`, `YYYY-MM-DD` or `Jan 5, 2023`; None when empty or unreadable."""
    text = (text or "").strip()
    if not text:
        return None
    if m := re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})", text):
        month, day, year = int(m[1]), int(m[2]), int(m[3])
        year += 2000 if year < 100 else 0
        return _safe_date(year, month, day)
    if m := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text):
        return _safe_date(int(m[1]), int(m[2]), int(m[3]))
    for fmt in _TEXT_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def report_date(value: date) -> str:
    """`2/1/23`: the shape Magento's report filter echoes back."""
    return f"{value.month}/{value.day}/{value.year % 100:02d}"


def grid_date(value: date) -> str:
    """`02/01/2023`: the shape of Magento's grid date filters."""
    return f"{value.month:02d}/{value.day:02d}/{value.year}"


def long_date(value: date) -> str:
    """`Feb 1, 2023`."""
    return f"{MONTHS[value.month - 1]} {value.day}, {value.year}"


def timestamp(stored: str) -> str:
    """`Feb 1, 2023 9:05:00 AM` from a stored `2023-02-01 09:05:00`."""
    moment = datetime.fromisoformat(stored)
    hour = moment.hour % 12 or 12
    half = "AM" if moment.hour < 12 else "PM"
    return f"{long_date(moment.date())} {hour}:{moment.minute:02d}:{moment.second:02d} {half}"


def interval_label(key: str) -> str:
    """A report interval as people say it: `2023` (year), `Jan 2023` (month), `Jan 5, 2023` (day)."""
    parts = key.split("-")
    if len(parts) == 1:
        return key
    if len(parts) == 2:
        return f"{MONTHS[int(parts[1]) - 1]} {parts[0]}"
    return long_date(date(int(parts[0]), int(parts[1]), int(parts[2])))


def order_status_label(status: str) -> str:
    return ORDER_STATUSES.get(status, status.replace("_", " ").title())


def review_status_label(status: str) -> str:
    return REVIEW_STATUSES.get(status, (0, status.title()))[1]
