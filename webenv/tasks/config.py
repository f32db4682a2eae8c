"""Load and validate WebArena task configs, and substitute their site placeholders.

The format is WebArena's own (the 165 WebArena-Lite configs load unchanged), so a user with the real WebArena
sites can run the published tasks, and our embedded tasks use the same shape. Validation happens once, at
load time, with errors that name the task and the field: a typo in a config should stop a run before any
browser starts, not surface as a mysterious score of 0 two hours later.

Placeholders (`__SHOPPING__`, ...) stand for site base URLs and are substituted by `TaskConfig.resolve`.
`__last_url__` and `__page__` are not placeholders: they are evaluation-time tokens (the agent's final URL
and page) and stay untouched until an evaluator runs.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from os import PathLike
from pathlib import Path
from typing import Any

from webenv.answers import Answer, AnswerSpecError
from webenv.url_sets import UrlPage, UrlSpecError, pages_from_json

KNOWN_PLACEHOLDERS = frozenset(
    {"__SHOPPING__", "__SHOPPING_ADMIN__", "__REDDIT__", "__GITLAB__", "__MAP__", "__WIKIPEDIA__", "__HOMEPAGE__"}
)
KNOWN_SITES = frozenset({"shopping", "shopping_admin", "reddit", "gitlab", "map", "wikipedia", "homepage"})
# WebArena's names above; a site added to the registry (`webenv.sites`) is known too, see `known_sites()`.
EVAL_TYPES = frozenset({"string_match", "url_match", "program_html"})
ANSWER_RULES = frozenset({"exact_match", "must_include", "must_exclude", "one_of", "required_values", "fuzzy_match"})
CONTENT_RULES = frozenset({"exact_match", "must_include", "must_exclude", "required_values", "fuzzy_match"})
URL_NOTES = frozenset({"GOLD in PRED", "EXACT"})
SCORING_MODES = frozenset({"webarena", "strict"})  # absent = "webarena" (VisualAgentBench's rules, as published)
LOCATOR_PREFIXES = ("document.", "[...document.", "lambda:", "func:")
START_URL_SEPARATOR = " |AND| "

PLACEHOLDER_PATTERN = re.compile(r"__[A-Z][A-Z0-9_]*?__")
# Top-level fields whose strings may hold placeholders; everything under "eval" may too.
_SUBSTITUTED_FIELDS = ("start_url", "intent", "eval")
_TASK_FIELDS = frozenset({
    "sites", "task_id", "require_login", "storage_state", "start_url", "geolocation", "intent_template",
    "instantiation_dict", "intent", "require_reset", "eval", "intent_template_id", "old_task_id",
    "reference_solution", "split",
})
_EVAL_FIELDS = frozenset({
    "eval_types", "reference_answers", "reference_url", "program_html", "string_note", "url_note",
    "reference_answer_raw_annotation", "scoring", "answer", "acceptable_urls",
})


@lru_cache(maxsize=1)
def _registered() -> tuple[frozenset[str], frozenset[str]]:
    from webenv.sites import all_specs  # the registry imports nothing of this module; imported on first use

    specs = all_specs()
    return frozenset(spec.name for spec in specs), frozenset(spec.placeholder for spec in specs)


def known_sites() -> frozenset[str]:
    """WebArena's site names and every registered site's."""
    return KNOWN_SITES | _registered()[0]


def known_placeholders() -> frozenset[str]:
    """WebArena's URL placeholders and every registered site's."""
    return KNOWN_PLACEHOLDERS | _registered()[1]


class TaskConfigError(ValueError):
    """An invalid task config; the message names the task (task_id, or list index) and the field."""


@dataclass(frozen=True)
class MatchRule:
    """One comparison from `reference_answers` or `required_contents`, in config order.

    `values` is always a tuple: exact_match holds one string; the list rules hold their phrases. WebArena's
    configs occasionally write a list rule as a bare string (WebArena-Lite task 81's must_include "yjlou",
    task 114's fuzzy_match "N/A"); those become one-element tuples.
    """

    kind: str
    values: tuple[str, ...]

    @property
    def value(self) -> str:
        return self.values[0] if self.values else ""


@dataclass(frozen=True)
class HtmlTarget:
    """One `program_html` entry: where to look (`url`), what to read (`locator`), what it must contain."""

    url: str
    locator: str
    required_contents: tuple[MatchRule, ...]
    prep_actions: tuple[str, ...] = ()


@dataclass(frozen=True)
class EvalSpec:
    """The `eval` block, typed. Unknown keys are kept in `extra`.

    `scoring` says which rules apply: "webarena" (VisualAgentBench's, for published configs) or "strict" (the
    embedded suite's: `answer` is the typed reference, `acceptable_urls` the gold pages; see `webenv.strict` and
    `webenv.url_sets`). A strict url_match without `acceptable_urls` reads each `reference_url` alternative as
    one exact page."""

    eval_types: tuple[str, ...]
    reference_answers: tuple[MatchRule, ...] = ()
    reference_url: str = ""
    program_html: tuple[HtmlTarget, ...] = ()
    string_note: str = ""
    url_note: str | None = None
    reference_answer_raw_annotation: str | None = None
    scoring: str = "webarena"
    answer: Answer | None = None
    acceptable_urls: tuple[UrlPage, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def strict(self) -> bool:
        return self.scoring == "strict"


@dataclass(frozen=True)
class TaskConfig:
    """A WebArena task config. `raw` is the mapping it was parsed from (for writing it back out)."""

    sites: tuple[str, ...]
    start_url: str
    intent: str
    eval: EvalSpec
    task_id: int | None = None
    require_login: bool = False
    storage_state: str | None = None
    geolocation: Any = None
    intent_template: str = ""
    instantiation_dict: dict[str, Any] = field(default_factory=dict)
    require_reset: bool = False
    intent_template_id: int | None = None
    old_task_id: int | None = None
    reference_solution: dict[str, Any] | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def start_urls(self) -> tuple[str, ...]:
        """The start URL(s): WebArena opens one tab per ` |AND| `-separated URL."""
        return tuple(url.strip() for url in self.start_url.split(START_URL_SEPARATOR))

    @property
    def label(self) -> str:
        return f"task {self.task_id}" if self.task_id is not None else "task (no task_id)"

    @property
    def group(self) -> str:
        """WebArena-Lite's reporting group: the site, or "multi" for a task that spans sites."""
        return self.sites[0] if len(self.sites) == 1 else "multi"

    def resolve(self, placeholders: Mapping[str, str]) -> TaskConfig:
        """A copy with site placeholders replaced by base URLs (start_url, intent, the whole eval block).

        Any placeholder left without a value is an error naming the field, so a task never runs against a
        URL like `__MAP__/search`.
        """
        where = self.label
        resolved = dict(self.raw)
        for name in _SUBSTITUTED_FIELDS:
            if name in resolved:
                resolved[name] = _map_strings(resolved[name], lambda text: substitute(text, placeholders))
        for path, text in _strings_with_paths(resolved):
            leftover = PLACEHOLDER_PATTERN.search(text)
            if leftover:
                given = ", ".join(sorted(placeholders)) or "none"
                raise TaskConfigError(
                    f"{where}: field '{path}': placeholder {leftover.group(0)} has no URL (given: {given})"
                )
        return _parse(resolved, where)

    def to_dict(self) -> dict[str, Any]:
        """The config as WebArena JSON (a copy of what was parsed)."""
        return json.loads(json.dumps(self.raw))


def substitute(text: str, placeholders: Mapping[str, str]) -> str:
    """Replace each known placeholder with its URL (trailing "/" dropped, as WebArena's URLs have none)."""
    urls = {key: value.rstrip("/") for key, value in placeholders.items()}
    return PLACEHOLDER_PATTERN.sub(lambda match: urls.get(match.group(0), match.group(0)), text)


def load_tasks(source: str | PathLike[str] | Sequence[Mapping[str, Any]] | Mapping[str, Any]) -> list[TaskConfig]:
    """Parse a JSON file (a list of configs, or one config as WebArena's per-task files are) or in-memory
    configs. Task ids must be unique."""
    if isinstance(source, (str, PathLike)):
        raw_tasks = _read_json(Path(source))
    else:
        raw_tasks = source
    if isinstance(raw_tasks, Mapping):
        raw_tasks = [raw_tasks]
    if not isinstance(raw_tasks, Sequence) or isinstance(raw_tasks, (str, bytes)):
        raise TaskConfigError(f"expected a list of task configs, got {_json_type(type(raw_tasks))}")
    tasks = [parse_task(raw, index) for index, raw in enumerate(raw_tasks)]
    seen: dict[int, int] = {}
    for index, task in enumerate(tasks):
        if task.task_id is None:
            continue
        if task.task_id in seen:
            raise TaskConfigError(
                f"task {task.task_id}: field 'task_id' repeats the task at index {seen[task.task_id]}"
            )
        seen[task.task_id] = index
    return tasks


def parse_task(raw: Any, index: int | None = None) -> TaskConfig:
    """Validate and parse one config; errors name the task (its task_id, else its list index) and field."""
    task_id = raw.get("task_id") if isinstance(raw, Mapping) else None
    if isinstance(task_id, int) and not isinstance(task_id, bool):
        where = f"task {task_id}"
    elif index is not None:
        where = f"task at index {index}"
    else:
        where = "task (no task_id)"
    if not isinstance(raw, Mapping):
        raise TaskConfigError(f"{where}: a task config must be a JSON object, got {_json_type(type(raw))}")
    for path, text in _strings_with_paths(raw):
        for match in PLACEHOLDER_PATTERN.finditer(text):
            if match.group(0) not in known_placeholders():
                known = ", ".join(sorted(known_placeholders()))
                raise TaskConfigError(
                    f"{where}: field '{path}': unknown placeholder {match.group(0)} (known: {known})"
                )
    return _parse(raw, where)


def _read_json(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise TaskConfigError(f"{path}: cannot read task configs: {exc}") from exc
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise TaskConfigError(f"{path}:{exc.lineno}:{exc.colno}: invalid JSON: {exc.msg}") from exc


class _Fields:
    """Typed access to one mapping's fields, raising errors that carry the task and the field path."""

    def __init__(self, raw: Mapping[str, Any], where: str, prefix: str = "") -> None:
        self.raw, self.where, self.prefix = raw, where, prefix

    def error(self, name: str, problem: str) -> TaskConfigError:
        return TaskConfigError(f"{self.where}: field '{self.prefix}{name}' {problem}")

    def get(self, name: str, kind: type, *, required: bool = False, default: Any = None) -> Any:
        """The field's value, checked against `kind`; a missing or null optional field gives `default`."""
        if name not in self.raw:
            if required:
                raise self.error(name, "is missing")
            return default
        value = self.raw[name]
        if value is None and not required:
            return default
        # bool is an int in Python, but an id written as `true` is still a mistake.
        if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
            raise self.error(name, f"must be {_json_type(kind)}, got {_json_type(type(value))}")
        return value

    def string_list(self, name: str, *, required: bool = False) -> tuple[str, ...]:
        value = self.get(name, list, required=required, default=[])
        for i, item in enumerate(value):
            if not isinstance(item, str):
                raise self.error(f"{name}[{i}]", f"must be a string, got {_json_type(type(item))}")
        return tuple(value)


def _parse(raw: Mapping[str, Any], where: str) -> TaskConfig:
    fields = _Fields(raw, where)
    sites = fields.string_list("sites", required=True)
    if not sites:
        raise fields.error("sites", "must name at least one site")
    for site in sites:
        if site not in known_sites():
            raise fields.error("sites", f"names unknown site {site!r} (known: {', '.join(sorted(known_sites()))})")
    eval_raw = fields.get("eval", Mapping, required=True)
    solution = fields.get("reference_solution", Mapping)
    return TaskConfig(
        sites=sites,
        start_url=fields.get("start_url", str, required=True),
        intent=fields.get("intent", str, required=True),
        eval=_parse_eval(eval_raw, where),
        task_id=fields.get("task_id", int),
        require_login=fields.get("require_login", bool, default=False),
        storage_state=fields.get("storage_state", str),
        geolocation=raw.get("geolocation"),
        intent_template=fields.get("intent_template", str, default=""),
        instantiation_dict=dict(fields.get("instantiation_dict", Mapping, default={})),
        require_reset=fields.get("require_reset", bool, default=False),
        intent_template_id=fields.get("intent_template_id", int),
        old_task_id=fields.get("old_task_id", int),
        reference_solution=dict(solution) if solution is not None else None,
        extra={key: value for key, value in raw.items() if key not in _TASK_FIELDS},
        raw=dict(raw),
    )


def _parse_eval(raw: Mapping[str, Any], where: str) -> EvalSpec:
    fields = _Fields(raw, where, "eval.")
    eval_types = fields.string_list("eval_types", required=True)
    if not eval_types:
        raise fields.error("eval_types", "must list at least one eval type")
    for eval_type in eval_types:
        if eval_type not in EVAL_TYPES:
            raise fields.error(
                "eval_types", f"has unknown eval type {eval_type!r} (known: {', '.join(sorted(EVAL_TYPES))})"
            )
    answers_raw = fields.get("reference_answers", Mapping, default={})
    answers = _parse_rules(answers_raw, ANSWER_RULES, _Fields(answers_raw, where, "eval.reference_answers."))
    if "string_match" in eval_types and not answers:
        raise fields.error("reference_answers", "must hold at least one rule for string_match")
    reference_url = fields.get("reference_url", str, default="")
    if "url_match" in eval_types and not reference_url.strip():
        raise fields.error("reference_url", "is required for url_match")
    url_note = fields.get("url_note", str)
    if url_note and url_note not in URL_NOTES:
        raise fields.error("url_note", f"must be one of {', '.join(sorted(URL_NOTES))}, got {url_note!r}")
    scoring = fields.get("scoring", str, default="webarena")
    if scoring not in SCORING_MODES:
        raise fields.error("scoring", f"must be one of {', '.join(sorted(SCORING_MODES))}, got {scoring!r}")
    answer: Answer | None = None
    pages: tuple[UrlPage, ...] = ()
    try:
        if "answer" in raw:
            answer = Answer.from_json(raw["answer"])
        if "acceptable_urls" in raw:
            pages = pages_from_json(raw["acceptable_urls"])
    except (AnswerSpecError, UrlSpecError) as exc:
        raise TaskConfigError(f"{where}: {exc}") from exc
    if scoring == "strict" and "string_match" in eval_types and answer is None:
        raise fields.error("answer", "is required for strict string_match (the typed reference answer)")
    targets_raw = fields.get("program_html", list, default=[])
    targets = tuple(_parse_target(item, where, f"eval.program_html[{i}].") for i, item in enumerate(targets_raw))
    if "program_html" in eval_types and not targets:
        raise fields.error("program_html", "must list at least one target for program_html")
    return EvalSpec(
        eval_types=eval_types,
        reference_answers=answers,
        reference_url=reference_url,
        program_html=targets,
        string_note=fields.get("string_note", str, default=""),
        url_note=url_note or None,
        reference_answer_raw_annotation=fields.get("reference_answer_raw_annotation", str),
        scoring=scoring,
        answer=answer,
        acceptable_urls=pages,
        extra={key: value for key, value in raw.items() if key not in _EVAL_FIELDS},
    )


def _parse_target(raw: Any, where: str, prefix: str) -> HtmlTarget:
    if not isinstance(raw, Mapping):
        raise TaskConfigError(f"{where}: field '{prefix.rstrip('.')}' must be an object, got {_json_type(type(raw))}")
    fields = _Fields(raw, where, prefix)
    url = fields.get("url", str, required=True)
    locator = fields.get("locator", str, required=True)
    if locator.strip() and not locator.lstrip().startswith(LOCATOR_PREFIXES):
        raise fields.error(
            "locator", f"must be empty or start with one of {', '.join(LOCATOR_PREFIXES)}, got {locator[:40]!r}"
        )
    contents_raw = fields.get("required_contents", Mapping, required=True)
    contents = _parse_rules(contents_raw, CONTENT_RULES, _Fields(contents_raw, where, f"{prefix}required_contents."))
    if not contents:
        raise fields.error("required_contents", "must hold at least one rule")
    return HtmlTarget(url=url, locator=locator, required_contents=contents,
                      prep_actions=fields.string_list("prep_actions"))


def _parse_rules(raw: Mapping[str, Any], known: frozenset[str], fields: _Fields) -> tuple[MatchRule, ...]:
    rules: list[MatchRule] = []
    for kind, value in raw.items():
        if kind not in known:
            raise fields.error(kind, f"is not a known rule (known: {', '.join(sorted(known))})")
        if kind == "exact_match":
            if isinstance(value, bool) or not isinstance(value, (str, int, float)):
                raise fields.error(kind, f"must be a string, got {_json_type(type(value))}")
            rules.append(MatchRule(kind, (str(value),)))
        elif isinstance(value, str):
            rules.append(MatchRule(kind, (value,)))
        else:
            rules.append(MatchRule(kind, fields.string_list(kind, required=True)))
    return tuple(rules)


def _json_type(kind: type) -> str:
    """A Python type as the JSON type a config author would recognise."""
    if kind is type(None):
        return "null"
    for python_type, name in ((bool, "a boolean"), (int, "an integer"), (float, "a number"), (str, "a string"),
                              (list, "a list"), (Mapping, "an object")):
        if issubclass(kind, python_type):
            return name
    return kind.__name__


def _strings_with_paths(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """Every string under the placeholder-bearing fields, with a readable path like 'eval.program_html[0].url'."""
    if not path:
        if isinstance(value, Mapping):
            for name in _SUBSTITUTED_FIELDS:
                if name in value:
                    yield from _strings_with_paths(value[name], name)
        return
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from _strings_with_paths(item, f"{path}.{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _strings_with_paths(item, f"{path}[{i}]")


def _map_strings(value: Any, fn: Callable[[str], str]) -> Any:
    if isinstance(value, str):
        return fn(value)
    if isinstance(value, Mapping):
        return {key: _map_strings(item, fn) for key, item in value.items()}
    if isinstance(value, list):
        return [_map_strings(item, fn) for item in value]
    return value
