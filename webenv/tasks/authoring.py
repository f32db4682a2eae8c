"""Building blocks for writing tasks: semantic actions, grounded plans, WebArena's eval shapes and configs.

Every site's task module writes its reference solutions with these, so a solution reads as its plan
("Search for 'duffle'" -> the actions that do it) and every config has exactly WebArena's shape. What is
particular to one site (its menus, its navigation steps, its config defaults as a `TaskSite`) lives in that
site's package, built on these.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

from webenv.answers import NOT_ACHIEVABLE, Answer, Part
from webenv.url_sets import UrlPage
from webenv.url_sets import reference_url as url_reference

Action = dict[str, Any]


def target(role: str, name: str, *, exact: bool = True, near: str | None = None, nth: int = 0) -> dict[str, Any]:
    """An element by ARIA role and accessible name (see `webenv.tasks.solution.Target`)."""
    found: dict[str, Any] = {"role": role, "name": name}
    if not exact:
        found["exact"] = False
    if near:
        found["near"] = near
    if nth:
        found["nth"] = nth
    return found


def click(role: str, name: str, **where: Any) -> Action:
    return {"action": "click", "target": target(role, name, **where)}


def type_into(role: str, name: str, text: str, *, enter: bool = False, **where: Any) -> Action:
    action: Action = {"action": "type", "target": target(role, name, **where), "text": text}
    if enter:
        action["press_enter"] = True
    return action


def select(name: str, option: str, **where: Any) -> Action:
    """Choose an option in the dropdown (ARIA combobox) with this name."""
    return {"action": "select_option", "target": target("combobox", name, **where), "option": option}


def goto(url: str) -> Action:
    return {"action": "goto", "url": url}


def scroll(direction: str = "down") -> Action:
    return {"action": "scroll", "direction": direction}


@dataclass
class Plan:
    """A grounded plan under construction: each step takes the next consecutive action indices, and notes are
    facts learned by an action (what a replanner should carry forward from there on)."""

    steps: list[dict[str, Any]] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)
    notes: dict[str, list[str]] = field(default_factory=dict)

    def step(self, reasoning: str, instruction: str, *actions: Action, notes: tuple[str, ...] | list[str] = ()
             ) -> Plan:
        if not actions:
            raise ValueError("a plan step needs at least one action")
        start = len(self.actions)
        self.actions.extend(actions)
        self.steps.append({"reasoning": reasoning, "instruction": instruction,
                           "actions": list(range(start, len(self.actions)))})
        if notes:
            self.note(*notes)
        return self

    def note(self, *facts: str) -> Plan:
        self.notes.setdefault(str(len(self.actions) - 1), []).extend(facts)
        return self

    def finish(self, reasoning: str, instruction: str, answer: str = "") -> dict[str, Any]:
        """End with `stop` (an empty answer for tasks that only change state); returns the solution JSON."""
        self.step(reasoning, instruction, {"action": "stop", "answer": answer})
        return {"steps": self.steps, "actions": self.actions, "notes": self.notes}


# --- eval shapes (WebArena's `eval` block) ----------------------------------------------------------------

# The order WebArena writes the keys in, then ours: the scoring mode and the strict mode's typed answer and
# acceptable pages (extra keys a WebArena harness ignores).
WEBARENA_EVAL_KEYS = ("eval_types", "reference_answers", "reference_url", "program_html", "string_note",
                      "reference_answer_raw_annotation", "url_note")
EVAL_KEYS = (*WEBARENA_EVAL_KEYS, "scoring", "answer", "acceptable_urls")
STRICT = "strict"  # the embedded suite's scoring mode (`webenv.strict`); "webarena" = VisualAgentBench's rules

UrlGold = str | UrlPage | Sequence[UrlPage]


def _url_fields(reference: UrlGold) -> dict[str, Any]:
    """reference_url (WebArena's GOLD in PRED alternatives) and, for typed pages, the strict gold set."""
    if isinstance(reference, str):
        return {"reference_url": reference, "url_note": "GOLD in PRED"}
    gold = (reference,) if isinstance(reference, UrlPage) else tuple(reference)
    if not gold or not all(isinstance(item, UrlPage) for item in gold):
        raise ValueError("a url gold is a URL string, a page(...) or a list of page(...)")
    return {"reference_url": url_reference(gold), "url_note": "GOLD in PRED",
            "acceptable_urls": [item.to_json() for item in gold]}


def string_eval(answer: Any = None, *, exclude: Iterable[Part | Sequence[Part]] = (), max_words: int = 0,
                must_include: list[str] | None = None, exact: str | None = None,
                fuzzy: list[str] | str | None = None, raw: str | None = None, note: str = "",
                reference_url: UrlGold | None = None) -> dict[str, Any]:
    """An answer check.

    Strict (the embedded suite): `answer` is the typed reference — a Part (`money(3.46)`), `names([...])`, a
    list of parts, or `not_achievable()` — and `exclude` its distractors (the runner-up, the other option,
    neighbouring values), which also become WebArena `must_exclude` phrases. The WebArena-compatible
    `reference_answers` are derived from the typed answer unless given explicitly (`must_include`, `exact`,
    `fuzzy`); an unachievable task needs a `note` saying why (what WebArena's unachievable judge compares with).

    Without `answer` the block is WebArena's alone (VisualAgentBench semantics). `fuzzy` may be the bare string
    "N/A", as some of WebArena's unachievable tasks write it. A `reference_url` adds a url_match on the page the
    answer was read from (a URL string, or strict `page(...)`s).
    """
    typed = Answer.of(answer, exclude, max_words) if answer is not None else None
    answers: dict[str, Any] = {}
    if must_include is not None:
        answers["must_include"] = must_include
    if exact is not None:
        answers["exact_match"] = exact
    if fuzzy is not None:
        answers["fuzzy_match"] = fuzzy
    if typed is not None and not answers:
        if typed.achievable:
            answers["must_include"] = typed.must_include()
        else:
            answers["fuzzy_match"] = [NOT_ACHIEVABLE]
    if typed is not None and typed.exclude and "must_exclude" not in answers:
        answers["must_exclude"] = typed.must_exclude()
    if typed is not None and not typed.achievable and not note:
        raise ValueError("an unachievable task needs a note saying why it cannot be done")
    if raw is None:
        if typed is None:
            raise ValueError("string_eval needs `raw` (the reference answer as annotated) without a typed answer")
        raw = typed.raw()
    evaluation: dict[str, Any] = {"eval_types": ["string_match"], "reference_answers": answers,
                                  "reference_url": "", "program_html": [], "string_note": note,
                                  "reference_answer_raw_annotation": raw}
    if reference_url is not None:
        evaluation.update(eval_types=["string_match", "url_match"], **_url_fields(reference_url))
    if typed is not None:
        evaluation.update(scoring=STRICT, answer=typed.to_json())
    return _ordered(evaluation)


def url_eval(reference: UrlGold) -> dict[str, Any]:
    """The agent must end on the gold page: a URL string (WebArena's GOLD in PRED), or strict `page(...)`s — the
    set of acceptable pages (see `webenv.url_sets`)."""
    evaluation = {"eval_types": ["url_match"], "reference_answers": None, "program_html": [],
                  **_url_fields(reference)}
    if "acceptable_urls" in evaluation:
        evaluation["scoring"] = STRICT
    return _ordered(evaluation)


def html_check(url: str, locator: str, **required: Any) -> dict[str, Any]:
    """One program_html entry: `url` ("last", a URL, or func:...), a JS `locator`, and required contents."""
    return {"url": url, "locator": locator, "required_contents": required}


def html_eval(*checks: dict[str, Any], reference_url: UrlGold | None = None) -> dict[str, Any]:
    evaluation: dict[str, Any] = {"eval_types": ["program_html"], "reference_answers": None, "reference_url": "",
                                  "program_html": list(checks)}
    if reference_url is not None:
        evaluation.update(eval_types=["url_match", "program_html"], **_url_fields(reference_url))
        if "acceptable_urls" in evaluation:
            evaluation["scoring"] = STRICT
    return _ordered(evaluation)


def _ordered(evaluation: dict[str, Any]) -> dict[str, Any]:
    return {key: evaluation[key] for key in EVAL_KEYS if key in evaluation}


def with_string_fields(evaluation: dict[str, Any]) -> dict[str, Any]:
    """The block with `string_note` and the raw annotation present (empty unless set) whatever its eval types.

    WebArena writes them on string_match blocks only; the forum's and the code host's tasks were first published
    with them on every block, and keep them so their configs stay byte-for-byte what they were."""
    return _ordered({"string_note": "", "reference_answer_raw_annotation": "", **evaluation})


# --- templates and splits ---------------------------------------------------------------------------------

Split = Literal["test", "train"]
SPLITS: tuple[Split, ...] = ("test", "train")
C = TypeVar("C")


def stable_fraction(*key: Any) -> float:
    """A number in [0, 1) fixed by `key` on every machine and Python version (not `hash()`, which is salted)."""
    digest = hashlib.sha256(json.dumps(key, sort_keys=True, default=str).encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


@dataclass(frozen=True)
class Template:
    """An intent template: its id (WebArena's `intent_template_id`), its text, and whether it is held out —
    asked only in the test split, so a model trained on the training pool meets it for the first time there.

    `split` partitions the template's candidate instantiations between the two splits, deterministically:
    - `test=n`: the first n candidates are test, the rest train (generators list their curated test instances
      first, so growing the candidate list never moves a test task);
    - `test=0.2`: each candidate is test with that probability, decided by a stable hash of (template id, key);
    - `test=predicate`: the candidates it accepts are test.
    A held-out template yields its test candidates only. Intents must still differ between the splits; the
    suite checks that when it is built.
    """

    id: int
    text: str
    held_out: bool = False

    def split(self, candidates: Iterable[C], *, test: int | float | Callable[[C], bool],
              key: Callable[[C], Any] = repr) -> list[tuple[Split, C]]:
        items = list(candidates)
        chosen: list[bool]
        if isinstance(test, bool) or not (callable(test) or isinstance(test, (int, float))):
            raise TypeError("test= takes a count, a share or a predicate")
        if callable(test):
            chosen = [bool(test(item)) for item in items]
        elif isinstance(test, int):
            chosen = [index < test for index in range(len(items))]
        else:
            chosen = [stable_fraction(self.id, key(item)) < test for item in items]
        return [("test" if is_test else "train", item) for item, is_test in zip(items, chosen)
                if is_test or not self.held_out]

    def tasks(self, candidates: Iterable[C], make: Callable[[C, Split], dict[str, Any]], *,
              test: int | float | Callable[[C], bool], key: Callable[[C], Any] = repr,
              invalid: tuple[type[Exception], ...] = (ValueError, LookupError, AssertionError)
              ) -> list[dict[str, Any]]:
        """`make(candidate, split)` for each candidate of `split(...)`. A training candidate taken from the data
        may not make a well-posed task (a tie, a name the search does not resolve, a failed assertion): `make`
        raises one of `invalid` and the candidate is skipped. A test candidate that does is an error, as before."""
        made = []
        for split, candidate in self.split(candidates, test=test, key=key):
            try:
                made.append(make(candidate, split))
            except invalid:
                if split == "test":
                    raise
        return made


# --- configs ----------------------------------------------------------------------------------------------

def task_config(*, sites: list[str], template_id: int, template: str, values: Mapping[str, Any],
                evaluation: dict[str, Any], solution: dict[str, Any], start_url: str,
                storage_state: str | None, require_login: bool = True, require_reset: bool = False,
                split: Split = "test") -> dict[str, Any]:
    """A WebArena-format config (no task_id: the suite numbers tasks) with its reference solution. Values need
    not be strings (WebArena's instantiation dicts hold numbers and lists too); the intent shows them as str().

    Embedded tasks are scored strictly: the eval block says `"scoring": "strict"` unless it says otherwise.
    A training task carries `"split": "train"`; test tasks carry no split key (the published shape)."""
    if split not in SPLITS:
        raise ValueError(f"split must be one of {', '.join(SPLITS)}, got {split!r}")
    intent = template
    for key, value in values.items():
        intent = intent.replace("{{" + key + "}}", str(value))
    config = {
        "sites": sites, "require_login": require_login, "storage_state": storage_state, "start_url": start_url,
        "geolocation": None, "intent_template": template, "instantiation_dict": values, "intent": intent,
        "require_reset": require_reset, "eval": _ordered({"scoring": STRICT, **evaluation}),
        "intent_template_id": template_id, "reference_solution": solution,
    }
    if split == "train":
        config["split"] = split
    return config


@dataclass(frozen=True)
class TaskSite:
    """What every task of one site has in common, so a task module states only what differs from task to task.

    `string_fields` writes `string_note` and the raw annotation on every eval block (see `with_string_fields`).
    """

    name: str  # WebArena's key in "sites": shopping, shopping_admin, reddit, gitlab, map
    home: str  # the default start_url: the site's placeholder
    storage_state: str | None
    string_fields: bool = False

    def task(self, template_id: int, template: str, values: Mapping[str, Any], evaluation: dict[str, Any],
             solution: dict[str, Any], *, start_url: str | None = None, require_reset: bool = False,
             split: Split = "test") -> dict[str, Any]:
        return task_config(sites=[self.name], template_id=template_id, template=template, values=values,
                           evaluation=with_string_fields(evaluation) if self.string_fields else evaluation,
                           solution=solution, start_url=self.home if start_url is None else start_url,
                           storage_state=self.storage_state, require_reset=require_reset, split=split)
