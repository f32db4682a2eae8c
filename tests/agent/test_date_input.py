"""Dates and times as people write them become the values HTML date/time inputs accept."""

from __future__ import annotations

import pytest

from tools.date_input import DateInputError, normalize

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(("kind", "text", "value"), [
    ("date", "2010-05-20", "2010-05-20"), ("date", "05/20/2010", "2010-05-20"), ("date", "5/20/10", "2010-05-20"),
    ("date", "20/05/2010", "2010-05-20"), ("date", "20.05.2010", "2010-05-20"), ("date", "2010/05/20", "2010-05-20"),
    ("date", "May 20, 2010", "2010-05-20"), ("date", "may 20 2010", "2010-05-20"), ("date", "20 May 2010", "2010-05-20"),
    ("date", "Thursday, May 20th, 2010", "2010-05-20"), ("date", "Sept. 1, 1999", "1999-09-01"),
    ("date", "05/06/2010", "2010-05-06"),  # ambiguous: month first, as US sites write it
    ("time", "15:45", "15:45"), ("time", "3:45 PM", "15:45"), ("time", "3pm", "15:00"), ("time", "12:05 a.m.", "00:05"),
    ("time", "07:08:09", "07:08:09"),
    ("datetime-local", "2010-05-20T15:45", "2010-05-20T15:45"), ("datetime-local", "2010-05-20 15:45", "2010-05-20T15:45"),
    ("datetime-local", "05/20/2010 3:45 PM", "2010-05-20T15:45"), ("datetime-local", "May 20, 2010 at 3pm", "2010-05-20T15:00"),
    ("month", "2010-05", "2010-05"), ("month", "May 2010", "2010-05"), ("month", "05/2010", "2010-05"),
    ("month", "May 20, 2010", "2010-05"),
    ("week", "2010-W20", "2010-W20"), ("week", "week 20 of 2010", "2010-W20"), ("week", "May 20, 2010", "2010-W20"),
])
def test_human_forms_become_input_values(kind: str, text: str, value: str) -> None:
    assert normalize(kind, text) == value


@pytest.mark.parametrize(("kind", "text", "reason"), [
    ("date", "someday", "not a date I can read"), ("date", "02/30/2010", "not a valid date"),
    ("date", "Smarch 3, 2010", "not a month name"), ("time", "25:00", "not a valid time"),
    ("time", "13 pm", "1-12"), ("month", "2010-13", "no month 13"), ("week", "2010-W60", "weeks 1-52"),
    ("datetime-local", "tomorrow", "not a date and time"), ("date", "1" * 5000, "too long"),
])
def test_nonsense_is_a_clear_error(kind: str, text: str, reason: str) -> None:
    with pytest.raises(DateInputError, match=reason):
        normalize(kind, text)
