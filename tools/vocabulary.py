"""The action set, defined once: names, arguments and the words a model reads about them.

Everything that speaks actions derives from this table instead of spelling the set out again: the LangChain
tools the executor is bound to (`tools.actions`), the parser for actions written as text
(`nodes.action_text`), the reference policy that replays solutions through the graph, and the way prompts
print an action. `webenv` (the world, which must not import the agent) keeps its own list of action names
for reference solutions; a test proves that list equals this one.

The table holds plain data only (no Playwright, no LangChain), so it is cheap to import anywhere.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

# Ids are DOM attributes numbered from 1; anything outside a 32-bit range is a model's mistake, and letting it
# through would only fail later (SQLite checkpoints store integers in 64 bits).
MAX_ELEMENT_ID = 2**31 - 1


class _Required:
    def __repr__(self) -> str:
        return "REQUIRED"


REQUIRED: Any = _Required()


@dataclass(frozen=True)
class Arg:
    """One argument: its JSON type (int, str or bool), what it means, and its default when optional."""

    name: str
    type: type
    description: str
    default: Any = REQUIRED
    choices: tuple[str, ...] = ()  # a closed set of string values (e.g. scroll directions)
    minimum: int | None = None
    maximum: int | None = None
    text_default: Any = REQUIRED  # the default in WebArena's text syntax, where it differs from `default`

    @property
    def required(self) -> bool:
        return self.default is REQUIRED

    def default_in_text(self) -> Any:
        return self.default if self.text_default is REQUIRED else self.text_default


@dataclass(frozen=True)
class ActionSpec:
    name: str
    description: str
    args: tuple[Arg, ...] = ()
    aliases: tuple[str, ...] = ()  # other verbs models write for it in text (e.g. "select")
    changes_page: bool = True  # False for actions that only read or end the episode

    def arg(self, name: str) -> Arg:
        return next(a for a in self.args if a.name == name)

    @property
    def arg_names(self) -> tuple[str, ...]:
        return tuple(a.name for a in self.args)

    def text_form(self) -> str:
        """WebArena's text syntax for the action, e.g. `type [id] [text] [press_enter]`."""
        return " ".join([self.name, *(f"[{a.name}]" for a in self.args)])


ELEMENT_ID = Arg("id", int, "The element's id: the number in brackets in the current page, e.g. 12 for [12].",
                 minimum=0, maximum=MAX_ELEMENT_ID)

ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec("click", "Click the element with this id (a link, button, checkbox, tab, ...).", (ELEMENT_ID,)),
    ActionSpec("type", "Replace the text in the field with this id (press_enter=true submits); "
                       "{{secret:NAME}} types a secret.",
               (ELEMENT_ID, Arg("text", str, "The text to put in the field."),
                # WebArena's `type [id] [text]` presses Enter unless a third value says 0.
                Arg("press_enter", bool, "Press Enter after typing (submits most search boxes and forms).",
                    default=False, text_default=True))),
    ActionSpec("hover", "Move the mouse over the element with this id (opens hover menus and tooltips).",
               (ELEMENT_ID,)),
    ActionSpec("select_option", "Choose the option with this visible label (or value) in the dropdown with this id.",
               (ELEMENT_ID, Arg("option", str, "The option's visible label (or its value).")), aliases=("select",)),
    ActionSpec("press", 'Press a key or key combination on the focused element, e.g. "Enter", "Tab", "Control+a", '
                        '"PageDown".', (Arg("keys", str, "Playwright key names joined with +, e.g. Control+a."),)),
    ActionSpec("scroll", "Scroll the page one screen up or down.",
               (Arg("direction", str, "up or down.", choices=("up", "down")),)),
    ActionSpec("wait", "Wait for the page to finish changing (results or a menu still loading, \"Loading…\" "
                       "shown); returns when it changes and settles, or after `seconds`.",
               (Arg("seconds", int, "The longest to wait, in seconds.", default=3, minimum=1, maximum=30),)),
    ActionSpec("goto", "Open this URL in the current tab.", (Arg("url", str, "An absolute http(s) URL."),)),
    ActionSpec("go_back", "Go back to the previous page in this tab."),
    ActionSpec("go_forward", "Go forward to the next page in this tab's history."),
    ActionSpec("new_tab", "Open a new, empty tab and switch to it."),
    ActionSpec("tab_focus", "Switch to the tab with this index (0 is the first tab).",
               (Arg("index", int, "The tab's index as listed with the page (0 is the first tab).", minimum=0,
                    maximum=1000),)),
    ActionSpec("close_tab", "Close the current tab and switch to the last remaining one."),
    ActionSpec("stop", 'Finish: `answer` holds the information asked for, or a summary of what was done, or '
                       '"N/A: why not".',
               (Arg("answer", str, "The final answer, a short confirmation, or N/A followed by the reason."),),
               changes_page=False),
)

ACTIONS_BY_NAME: dict[str, ActionSpec] = {spec.name: spec for spec in ACTIONS}
ACTION_NAMES: tuple[str, ...] = tuple(ACTIONS_BY_NAME)
STOP = "stop"
# Verbs a model may write in text, mapped to the action's name (names themselves included).
VERBS: dict[str, str] = {
    **{spec.name: spec.name for spec in ACTIONS},
    **{alias: spec.name for spec in ACTIONS for alias in spec.aliases},
}


def format_action(name: str, args: dict[str, Any]) -> str:
    """`click(id=12)`, `type(id=5, text="duffle", press_enter=true)`: how an action appears in every prompt,
    report and log line."""
    return f"{name}({', '.join(f'{key}={json.dumps(value, ensure_ascii=False)}' for key, value in args.items())})"
