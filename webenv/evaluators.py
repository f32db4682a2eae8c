"""WebArena's evaluators, with the semantics of the version that ships with the WebArena-Lite configs
(VisualAgentBench's `VAB-WebArena-Lite/new/evaluators.py`), rewritten for an async Playwright page.

One small class per kind of check — `StringEvaluator` (the answer), `URLEvaluator` (the final URL),
`HTMLContentEvaluator` (what pages show) — combined by product in `EvaluatorComb`, built from a task config by
`build_evaluator`. Every check returns what it compared and why it passed or failed, so a report can show
*why* a task scored 0; an agent's bad answer, a missing element or a JavaScript error is a failed check, never
an exception.

Where we differ from VisualAgentBench, it is to be fairer to a correct agent, never stricter:
- answers and page text are trimmed before comparing (WebArena's own evaluator does this; VAB does not);
- `url_match` also accepts a URL whose path contains the reference path and whose query parameters include
  the reference's, in any order and encoding (WebArena's own rule), besides VAB's plain substring test;
  without a `url_note` the rule is "GOLD in PRED" (WebArena's default; VAB's is "EXACT");
- `fuzzy_match: ["N/A"]` is treated like `fuzzy_match: "N/A"` (exact "N/A", else the unachievable judge);
- literal `program_html` URLs open in a new tab of the agent's browser context, so the agent's own page — and
  any unsaved form on it, which `url: "last"` checks read — is left as it was;
- page HTML (locator "") is HTML-unescaped before matching, as in WebArena's own evaluator.

A config whose eval block says `"scoring": "strict"` (the embedded suite) is scored by `StrictStringEvaluator`
(the typed answer, `webenv.strict`) and `StrictURLEvaluator` (the set of acceptable pages, `webenv.url_sets`)
instead; program_html checks are the same in both modes.
"""

from __future__ import annotations

import html
import json
import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol
from urllib.parse import parse_qs, unquote, urlsplit

from langchain_core.language_models import BaseChatModel
from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page, Response

from webenv import eval_funcs
from webenv.answers import Answer
from webenv.eval_text import (
    clean_answer,
    compare_inequality,
    exact_match,
    must_exclude,
    must_include,
    one_of,
    parse_number,
    split_or,
)
from webenv.judges import ask_fuzzy, ask_unachievable
from webenv.strict import score_answer
from webenv.tasks.config import PLACEHOLDER_PATTERN, HtmlTarget, MatchRule, TaskConfig, TaskConfigError, substitute
from webenv.url_sets import UrlPage, listing_difference, match_page, page

NOT_ACHIEVABLE = "N/A"
DEFAULT_URL_NOTE = "GOLD in PRED"
_EXCERPT = 240


@dataclass(frozen=True)
class Outcome:
    """What the agent produced: its final answer (the stop action's text) and the URL it ended on."""

    answer: str
    last_url: str


@dataclass(frozen=True)
class EvalContext:
    """Everything evaluation needs besides the episode: site URLs for placeholders, and the judge models
    (`unachievable_judge` defaults to `judge`). Without a judge, `fuzzy_match` checks score 0 and say so."""

    placeholders: Mapping[str, str] = field(default_factory=dict)
    judge: BaseChatModel | None = None
    unachievable_judge: BaseChatModel | None = None
    navigation_timeout_ms: float = 30_000

    def resolve(self, text: str) -> str:
        """Substitute site placeholders; one left without a URL is a configuration error."""
        resolved = substitute(text, self.placeholders)
        leftover = PLACEHOLDER_PATTERN.search(resolved)
        if leftover:
            raise TaskConfigError(f"placeholder {leftover.group(0)} has no URL in this evaluation context")
        return resolved


@dataclass(frozen=True)
class CheckResult:
    """One comparison: which evaluator, which rule, on what subject, expected vs actual, score and why."""

    evaluator: str
    rule: str
    subject: str
    expected: str
    actual: str
    score: float
    reason: str

    @property
    def passed(self) -> bool:
        return self.score >= 1.0

    def describe(self) -> str:
        mark = "PASS" if self.passed else "FAIL"
        return (f"[{mark}] {self.evaluator}/{self.rule} on {self.subject}: expected {self.expected!r}, "
                f"got {self.actual!r} — {self.reason}")


@dataclass(frozen=True)
class EvalResult:
    """The task's score (the product of all checks, WebArena's rule) and the checks behind it."""

    score: float
    checks: list[CheckResult]

    @classmethod
    def of(cls, checks: list[CheckResult]) -> EvalResult:
        return cls(score=math.prod(check.score for check in checks), checks=checks)

    @property
    def passed(self) -> bool:
        return self.score >= 1.0

    def report(self) -> str:
        return "\n".join([f"score {self.score:g}", *(check.describe() for check in self.checks)])


class Evaluator(Protocol):
    name: str

    async def evaluate(self, outcome: Outcome, page: Page | None, ctx: EvalContext) -> EvalResult: ...


def _excerpt(text: str, around: str = "") -> str:
    """A short piece of a possibly huge text (a whole page), centred on `around` when it occurs."""
    if len(text) <= _EXCERPT:
        return text
    at = text.lower().find(around.lower()) if around else -1
    start = max(0, at - _EXCERPT // 3) if at >= 0 else 0
    piece = text[start : start + _EXCERPT]
    return ("…" if start else "") + piece + ("…" if start + _EXCERPT < len(text) else "")


def _resolve_rules(rules: Sequence[MatchRule], ctx: EvalContext) -> list[MatchRule]:
    return [MatchRule(rule.kind, tuple(ctx.resolve(value) for value in rule.values)) for rule in rules]


@dataclass(frozen=True)
class _RuleInput:
    """What the rules compare against and the context fuzzy judges need."""

    evaluator: str
    subject: str
    text: str
    intent: str
    string_note: str = ""
    unachievable_aware: bool = False  # string_match treats a "N/A" reference specially; program_html does not


async def _check_rules(rules: Sequence[MatchRule], source: _RuleInput, ctx: EvalContext) -> list[CheckResult]:
    """Apply `reference_answers` / `required_contents` rules to one text, one CheckResult per comparison."""
    checks: list[CheckResult] = []

    def add(rule: str, expected: str, score: float, reason: str) -> None:
        checks.append(CheckResult(source.evaluator, rule, source.subject, expected,
                                  _excerpt(source.text, expected), score, reason))

    for rule in rules:
        if rule.kind == "exact_match":
            ok = exact_match(rule.value, source.text)
            add(rule.kind, rule.value, float(ok), "equal after trimming, unquoting and lower-casing"
                if ok else "differs after trimming, unquoting and lower-casing")
        elif rule.kind == "must_include":
            for phrase in rule.values:
                found = next((alt for alt in split_or(phrase) if must_include(alt, source.text)), None)
                add(rule.kind, phrase, float(found is not None),
                    f"found {found!r}" if found is not None else "not found (one-word phrases must be whole words)")
        elif rule.kind == "must_exclude":
            for phrase in rule.values:
                ok = must_exclude(phrase, source.text)
                add(rule.kind, phrase, float(ok), "absent" if ok else "present but must not be")
        elif rule.kind == "one_of":
            ok = one_of(rule.values, source.text)
            add(rule.kind, " |OR| ".join(rule.values), float(ok), "one is present" if ok else "none is present")
        elif rule.kind == "required_values":
            checks.extend(_check_required_values(rule, source))
        elif rule.kind == "fuzzy_match":
            checks.append(await _check_fuzzy(rule, source, ctx))
        else:  # the loader rejects unknown rules; this guards hand-built specs
            add(rule.kind, " ".join(rule.values), 0.0, "unknown rule")
    return checks


def _check_required_values(rule: MatchRule, source: _RuleInput) -> list[CheckResult]:
    number = parse_number(source.text)
    results = []
    for inequality in rule.values:
        if number is None:
            score, reason = 0.0, "not a number"
        else:
            try:
                ok = any(compare_inequality(number, alt) for alt in split_or(inequality))
                score, reason = float(ok), f"{number:g} {'satisfies' if ok else 'does not satisfy'} it"
            except ValueError as exc:
                score, reason = 0.0, f"bad config: {exc}"
        results.append(CheckResult(source.evaluator, rule.kind, source.subject, inequality,
                                   _excerpt(source.text), score, reason))
    return results


async def _check_fuzzy(rule: MatchRule, source: _RuleInput, ctx: EvalContext) -> CheckResult:
    expected = ", ".join(rule.values)

    def result(score: float, reason: str, kind: str = "fuzzy_match") -> CheckResult:
        return CheckResult(source.evaluator, kind, source.subject, expected, _excerpt(source.text), score, reason)

    unachievable = source.unachievable_aware and rule.values == (NOT_ACHIEVABLE,)
    if unachievable and exact_match(NOT_ACHIEVABLE, source.text):
        return result(1.0, "the answer is N/A, as the task is not achievable")
    if not clean_answer(source.text):
        return result(0.0, "empty answer")
    try:
        if unachievable and source.string_note:
            judge = ctx.unachievable_judge or ctx.judge
            if judge is None:
                return result(0.0, "no judge configured", "unachievable_match")
            verdict = await ask_unachievable(judge, source.intent, source.string_note, source.text)
            kind = "unachievable_match"
            what = f"reported reason vs actual reason {source.string_note!r}"
        else:
            if ctx.judge is None:
                return result(0.0, "no judge configured")
            verdict = await ask_fuzzy(ctx.judge, source.intent, list(rule.values), source.text)
            kind, what = "fuzzy_match", "judge compared the meaning"
    except Exception as exc:  # a judge's network or API failure is reported, not raised into the run
        return result(0.0, f"judge failed: {type(exc).__name__}: {exc}")
    if not verdict.understood:
        return result(0.0, f"judge reply not understood: {verdict.reply!r}", kind)
    return result(verdict.score, f"{what}: judge said {verdict.reply.strip()!r}", kind)


def _config_failure(evaluator: str, subject: str, error: Exception) -> EvalResult:
    return EvalResult.of([CheckResult(evaluator, "config", subject, "", "", 0.0, str(error))])


class StringEvaluator:
    """The agent's final answer against `reference_answers`."""

    name = "string_match"

    def __init__(self, rules: Sequence[MatchRule], intent: str, string_note: str = "") -> None:
        self.rules, self.intent, self.string_note = tuple(rules), intent, string_note

    async def evaluate(self, outcome: Outcome, page: Page | None, ctx: EvalContext) -> EvalResult:
        try:
            rules = _resolve_rules(self.rules, ctx)
        except TaskConfigError as exc:
            return _config_failure(self.name, "answer", exc)
        source = _RuleInput(self.name, "answer", outcome.answer, self.intent, self.string_note,
                            unachievable_aware=True)
        return EvalResult.of(await _check_rules(rules, source, ctx))


class StrictStringEvaluator:
    """The agent's final answer against a typed reference answer (strict scoring, `webenv.strict`)."""

    name = "string_match"

    def __init__(self, answer: Answer, intent: str) -> None:
        self.answer, self.intent = answer, intent

    async def evaluate(self, outcome: Outcome, page: Page | None, ctx: EvalContext) -> EvalResult:
        excerpt = _excerpt(outcome.answer)
        return EvalResult.of([CheckResult(self.name, f"strict/{finding.rule}", "answer", finding.expected, excerpt,
                                          float(finding.passed), finding.reason)
                              for finding in score_answer(self.answer, outcome.answer, self.intent)])


class StrictURLEvaluator:
    """The URL the agent ended on must be one of the acceptable pages: same site and path, equal listing
    parameters (see `webenv.url_sets`)."""

    name = "url_match"

    def __init__(self, pages: Sequence[UrlPage]) -> None:
        self.pages = tuple(pages)

    async def evaluate(self, outcome: Outcome, page: Page | None, ctx: EvalContext) -> EvalResult:
        actual = outcome.last_url or (page.url if page is not None else "")
        try:
            for gold in self.pages:
                how = match_page(gold, actual, ctx.resolve)
                if how:
                    return EvalResult.of([CheckResult(self.name, "strict", "final URL", ctx.resolve(gold.url),
                                                      actual, 1.0, how)])
            expected = " |OR| ".join(ctx.resolve(gold.url) for gold in self.pages)
            why = "; or ".join(listing_difference(gold, actual, ctx.resolve) for gold in self.pages)
        except TaskConfigError as exc:
            return _config_failure(self.name, "final URL", exc)
        return EvalResult.of([CheckResult(self.name, "strict", "final URL", expected, actual, 0.0,
                                          f"not an acceptable page: {why}")])


def clean_url(url: str) -> str:
    """Trailing "/" dropped and `localhost` read as 127.0.0.1, on both sides of every URL comparison."""
    return url.strip().replace("localhost", "127.0.0.1").rstrip("/")


def _url_parts(url: str) -> tuple[str, dict[str, list[str]]]:
    """host+path (decoded, no trailing "/") and the decoded query parameters."""
    parts = urlsplit(clean_url(url))
    base = unquote(parts.netloc + parts.path).rstrip("/")
    return base, {key: sorted(values) for key, values in parse_qs(parts.query, keep_blank_values=True).items()}


def match_url(reference: str, actual: str, rule: str = DEFAULT_URL_NOTE) -> str | None:
    """How `actual` matches one reference URL under a url_note rule, or None when it does not."""
    ref_base, ref_query = _url_parts(reference)
    got_base, got_query = _url_parts(actual)
    if rule == "EXACT":
        if clean_url(reference) == clean_url(actual):
            return "equal"
        if ref_base == got_base and ref_query == got_query:
            return "same path and query parameters"
        return None
    if clean_url(reference) in clean_url(actual):
        return "reference is a substring"
    if ref_base in got_base and all(set(values) <= set(got_query.get(key, ())) for key, values in ref_query.items()):
        return "path contains the reference path and the reference's query parameters are present"
    return None


class URLEvaluator:
    """The URL the agent ended on against `reference_url` (alternatives split on " |OR| ")."""

    name = "url_match"

    def __init__(self, reference_url: str, url_note: str | None = None) -> None:
        self.reference_url, self.rule = reference_url, url_note or DEFAULT_URL_NOTE

    async def evaluate(self, outcome: Outcome, page: Page | None, ctx: EvalContext) -> EvalResult:
        try:
            reference = ctx.resolve(self.reference_url)
        except TaskConfigError as exc:
            return _config_failure(self.name, "final URL", exc)
        actual = outcome.last_url or (page.url if page is not None else "")
        for alternative in split_or(reference):
            how = match_url(alternative, actual, self.rule)
            if how:
                check = CheckResult(self.name, self.rule, "final URL", alternative, actual, 1.0, how)
                return EvalResult.of([check])
        reason = "no reference URL matches" if self.rule != "EXACT" else "not equal to any reference URL"
        return EvalResult.of([CheckResult(self.name, self.rule, "final URL", reference, actual, 0.0, reason)])


def _js_text(value: object) -> str | None:
    """A JavaScript result as the text WebArena compares (`true`, `1`, ...); None for null/undefined."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


async def _open(page: Page, url: str, timeout_ms: float) -> Response | None:
    """Open `url` in `page`, through the redirects the agent's context answers itself. The agent's network guard
    checks every redirect hop, so it answers a navigation's redirect with 204 and sends the tab on to the target:
    `goto` then reports ERR_ABORTED although the tab gets there (`/checkout/cart` → `/checkout/cart/`). Waiting
    for the tab to leave the blank page covers that; a refused redirect leaves it blank and times out."""
    try:
        return await page.goto(url, timeout=timeout_ms)
    except PlaywrightError as exc:
        if "ERR_ABORTED" not in exc.message:
            raise
    # The wait itself can see the aborted first attempt go by (ERR_ABORTED again): wait on until the time is up.
    deadline = time.monotonic() + timeout_ms / 1000
    while True:
        try:
            await page.wait_for_url(lambda now: now != "about:blank", wait_until="load",
                                    timeout=max(1.0, (deadline - time.monotonic()) * 1000))
            return None
        except PlaywrightError as exc:
            if "ERR_ABORTED" not in exc.message or time.monotonic() >= deadline:
                raise


class HTMLContentEvaluator:
    """What pages show, per `program_html` target: open the target (`last` = the agent's page as it is now, a
    literal URL, or a `func:` helper), select with the locator, and compare with `required_contents`."""

    name = "program_html"

    def __init__(self, targets: Sequence[HtmlTarget], intent: str) -> None:
        self.targets, self.intent = tuple(targets), intent

    async def evaluate(self, outcome: Outcome, page: Page | None, ctx: EvalContext) -> EvalResult:
        checks: list[CheckResult] = []
        for index, target in enumerate(self.targets):
            checks.extend(await self._check_target(index, target, outcome, page, ctx))
        return EvalResult.of(checks)

    async def _check_target(self, index: int, target: HtmlTarget, outcome: Outcome, page: Page | None,
                            ctx: EvalContext) -> list[CheckResult]:
        def failure(rule: str, reason: str) -> list[CheckResult]:
            subject = f"target {index} ({target.url}, {target.locator or 'page HTML'})"
            return [CheckResult(self.name, rule, subject, "", "", 0.0, reason)]

        try:
            url = ctx.resolve(target.url)
            locator = ctx.resolve(target.locator)
            prep_actions = [ctx.resolve(action) for action in target.prep_actions]
            rules = _resolve_rules(target.required_contents, ctx)
        except TaskConfigError as exc:
            return failure("config", str(exc))
        if page is None or page.is_closed():
            return failure("page", "no live page of the agent to evaluate")
        env = eval_funcs.FuncEnv(page=page, context=page.context, placeholders=ctx.placeholders,
                                 last_url=outcome.last_url or page.url)
        if url.startswith("func:"):
            try:
                url = await eval_funcs.call(url, env)
            except (eval_funcs.EvalFuncError, PlaywrightError) as exc:
                return failure("url", f"helper failed: {exc}")
        if url == "last":
            return await self._check_page(page, page.url, index, locator, prep_actions, rules, env, ctx)
        # A literal URL opens in a new tab of the agent's context: its cookies apply, its own tab is untouched.
        opened = await page.context.new_page()
        try:
            response = await _open(opened, url, ctx.navigation_timeout_ms)
        except PlaywrightError as exc:
            await opened.close()
            return failure("url", f"could not open {url}: {exc.message.splitlines()[0]}")
        shown = url if response is None or response.ok else f"{url}, HTTP {response.status}"
        try:
            return await self._check_page(opened, shown, index, locator, prep_actions, rules, env, ctx)
        finally:
            await opened.close()

    async def _check_page(self, page: Page, shown_url: str, index: int, locator: str, prep_actions: list[str],
                          rules: list[MatchRule], env: eval_funcs.FuncEnv, ctx: EvalContext) -> list[CheckResult]:
        """Prepare the page, select with the locator and apply the rules to what was selected."""
        subject = f"target {index} ({shown_url}, {locator or 'page HTML'})"
        notes = []
        for number, action in enumerate(prep_actions):  # failures are noted, not fatal (as in WebArena)
            try:
                await page.evaluate(f"() => {action}")
            except PlaywrightError as exc:
                notes.append(f"prep action {number} failed: {exc.message.splitlines()[0]}")
        selected, problem = await self._select(page, locator, env)
        if selected is None:
            return [CheckResult(self.name, "locator", subject, "", "", 0.0, "; ".join([problem, *notes]))]
        return await _check_rules(rules, _RuleInput(self.name, subject, selected, self.intent), ctx)

    @staticmethod
    async def _select(page: Page, locator: str, env: eval_funcs.FuncEnv) -> tuple[str | None, str]:
        """The text a locator selects, or None and why nothing was selected."""
        locator = locator.strip()
        if not locator:
            return html.unescape(await page.content()), ""
        if locator.startswith("func:"):
            try:
                on_page = eval_funcs.FuncEnv(page=page, context=env.context, placeholders=env.placeholders,
                                             last_url=env.last_url)
                return await eval_funcs.call(locator, on_page), ""
            except (eval_funcs.EvalFuncError, PlaywrightError) as exc:
                return None, f"helper failed: {exc}"
        lambda_form = locator.startswith("lambda:")
        script = locator.removeprefix("lambda:").strip() if lambda_form else f"() => {locator.rstrip(';')}"
        try:
            value = await page.evaluate(script)
        except PlaywrightError as exc:
            return None, f"JavaScript error: {exc.message.splitlines()[0]}"
        if lambda_form and not value:  # WebArena treats any falsy lambda result as "nothing selected"
            value = None
        text = _js_text(value)
        if text is None:
            return None, "the locator selected nothing (null)"
        return text, ""


class EvaluatorComb:
    """Several evaluators whose scores multiply: a task passes only when every kind of check passes."""

    def __init__(self, evaluators: Sequence[Evaluator]) -> None:
        self.evaluators = tuple(evaluators)

    async def evaluate(self, outcome: Outcome, page: Page | None, ctx: EvalContext) -> EvalResult:
        results = [await evaluator.evaluate(outcome, page, ctx) for evaluator in self.evaluators]
        return EvalResult(score=math.prod(result.score for result in results),
                          checks=[check for result in results for check in result.checks])


def build_evaluator(task: TaskConfig) -> EvaluatorComb:
    """The evaluator for a task config: one per entry of `eval_types`, in order, under the config's scoring mode."""
    spec = task.eval
    evaluators: list[Evaluator] = []
    for eval_type in spec.eval_types:
        if eval_type == "string_match" and spec.strict and spec.answer is not None:
            evaluators.append(StrictStringEvaluator(spec.answer, task.intent))
        elif eval_type == "string_match":
            evaluators.append(StringEvaluator(spec.reference_answers, task.intent, spec.string_note))
        elif eval_type == "url_match" and spec.strict:
            pages = spec.acceptable_urls or tuple(page(url) for url in split_or(spec.reference_url))
            evaluators.append(StrictURLEvaluator(pages))
        elif eval_type == "url_match":
            evaluators.append(URLEvaluator(spec.reference_url, spec.url_note))
        elif eval_type == "program_html":
            evaluators.append(HTMLContentEvaluator(spec.program_html, task.intent))
        else:  # parse_task rejects these; a hand-built spec might not
            raise TaskConfigError(f"{task.label}: field 'eval.eval_types' has unknown eval type {eval_type!r}")
    return EvaluatorComb(evaluators)
