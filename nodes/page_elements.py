"""Reading elements back out of an observation's text: `[12] button "Add to cart"` -> id 12, role, name.

An id is only a number painted on the current document. After the browser is re-created (a resume, a crash) the
page is loaded afresh and numbered afresh: a one-time message that is gone shifts every id after it. So an id
chosen on the old page is carried over by what it named — role and name — never by number alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_LINE = re.compile(r'^[ \t]*\[(\d{1,12})\][ \t]+(\S+)(?:[ \t]+"([^"\n]*)")?')


@dataclass(frozen=True)
class Element:
    id: int
    role: str
    name: str
    line: int  # line number in the observation text

    def describe(self) -> str:
        return f'[{self.id}] {self.role} "{self.name}"' if self.name else f"[{self.id}] {self.role}"


def elements(page_text: str) -> list[Element]:
    """Every element line of an observation, in order (one pass, one anchored match per line)."""
    found = []
    for number, line in enumerate(page_text.splitlines()):
        match = _LINE.match(line)
        if match:
            found.append(Element(int(match.group(1)), match.group(2), match.group(3) or "", number))
    return found


def element(page_text: str, element_id: int) -> Element | None:
    return next((e for e in elements(page_text) if e.id == element_id), None)


def carry_over(element_id: int, old_text: str, new_text: str) -> tuple[int | None, str]:
    """The id on the new page of the element `element_id` named on the old one: the same id if it still names an
    element of the same role and name, else the one element that has them. (None, why) when there is none or
    more than one."""
    before = element(old_text, element_id)
    if before is None:
        return (element_id, "") if element(new_text, element_id) else (None, f"[{element_id}] is not on the page")
    now = elements(new_text)
    if any(e.id == element_id and (e.role, e.name) == (before.role, before.name) for e in now):
        return element_id, ""
    same = [e for e in now if (e.role, e.name) == (before.role, before.name)]
    if len(same) == 1:
        return same[0].id, ""
    if not same:
        return None, f"{before.describe()} is no longer on the page"
    return None, f"{before.describe()} now matches {len(same)} elements ({', '.join(str(e.id) for e in same)})"
