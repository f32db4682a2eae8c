"""How well strict scoring separates right from wrong, measured on the suite itself.

For every task judged on its answer, two families of answers are generated from its typed reference:
- reworded-correct: the right values written the ways models and people write them — other currency, unit,
  date and phone formats, markdown, a sentence around the answer, lists joined or bulleted differently, in
  another order, accents dropped, street types abbreviated, "N/A" followed by a reason;
- plausible-wrong: the recorded distractors in place of the answer, hedges naming a distractor ("X or Y"), a list
  with a distractor added or an item dropped, near misses a substring test lets through ("134 km" for 34 km,
  "1 h 12 min" for 12 min), swapped labelled values, the opposite yes/no, "N/A" for an answerable task and an
  invented answer for an unachievable one, and a dump of every value the task knows.
The audit scores both families with the task's own strict scorer and reports the rates per answer type. Targets:
at least 95 % of reworded-correct answers pass and at most 2 % of plausible-wrong ones do.

    python -m webenv.scoring_audit            # the table, for the test split
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from webenv.answers import Answer, Part, display, hours_minutes
from webenv.evaluators import EvalContext, Outcome, StringEvaluator
from webenv.judges import OfflineJudge
from webenv.strict import is_name_list, passes
from webenv.tasks.config import MatchRule

MILE = 1609.344
_ABBREVIATIONS = (("Avenue", "Ave"), ("Street", "St"), ("Boulevard", "Blvd"), ("Road", "Rd"), ("Drive", "Dr"))


def answer_kind(answer: Answer) -> str:
    """The answer type a task is reported under: its part type, "names" for a list of names, "several" for an
    answer of several facts, "labelled" for values tied to roles."""
    if not answer.achievable:
        return "N/A"
    if any(part.label for part in answer.parts):
        return "labelled"
    if is_name_list(answer):
        return "list of names"
    kinds = {part.type for part in answer.parts}
    if len(answer.parts) > 1:
        return f"{answer.parts[0].type} range" if kinds == {"money"} and len(answer.parts) == 2 else "several facts"
    return next(iter(kinds))


# --- how one value may be written -------------------------------------------------------------------------

def _plain(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def renderings(part: Part) -> list[str]:
    """Correct ways to write one value (the first is how the page shows it)."""
    v = part.value
    if part.type == "money":
        forms = [f"${v:,.2f}", f"{v:.2f}", f"{v:,.2f} USD", f"{v:.2f} dollars", f"US${v:,.2f}"]
        if float(v).is_integer():
            forms.append(f"${int(v)}")
        return forms
    if part.type == "count":
        words = ("zero one two three four five six seven eight nine ten eleven twelve").split()
        return [str(v), f"{v:,}"] + ([words[v]] if 0 < v < len(words) else [])
    if part.type == "number":
        return [f"{v:.4f}", f"{v:.3f}" if part.tolerance >= 0.0005 else f"{v:.4f}", _plain(v)]
    if part.type == "date":
        day = dt.date.fromisoformat(v)
        return [display(part), f"{day:%b} {day.day}, {day.year}", day.isoformat(), f"{day.month}/{day.day}/{day.year}",
                f"{day.day} {day:%B} {day.year}", f"{day:%B} {day.day}th, {day.year}" if day.day not in (1, 2, 3, 21,
                                                                                                      22, 23, 31)
                else f"{day:%A}, {day:%B} {day.day}, {day.year}"]
    if part.type == "duration":
        hours, minutes = hours_minutes(v)
        if hours == 0:
            return [f"0:{minutes:02d}", f"{minutes} min", f"{minutes} minutes", f"0h {minutes}m", f"{minutes} mins",
                    f"about {minutes} minutes"]
        unit = "hour" if hours == 1 else "hours"
        return [f"{hours}:{minutes:02d}", f"{hours} h {minutes} min", f"{hours} {unit} {minutes} minutes",
                f"{hours} {unit} and {minutes} minutes", f"{hours}h {minutes}m", f"{hours * 60 + minutes} minutes"]
    if part.type == "distance":
        shown = display(part)
        number = shown.removesuffix("km").removesuffix("m")
        unit = "kilometers" if shown.endswith("km") else "meters"
        forms = [shown, f"{number} {shown[len(number):]}", f"{number} {unit}", f"about {number} {shown[len(number):]}"]
        if v >= 5000:
            forms.append(f"{v / MILE:.1f} miles")
        if not shown.endswith("km"):
            forms.append(f"{v / 1000:.2f} km")
        return forms
    if part.type == "name":
        text = str(v)
        forms = [text, f"**{text}**", text.lower(), _ascii(text)]
        for long, short in _ABBREVIATIONS:
            if f" {long}" in text:
                forms.append(text.replace(f" {long}", f" {short}"))
        forms += list(part.aliases)
        return list(dict.fromkeys(forms))
    if part.type == "code":
        text = str(v)
        forms = [text, f"`{text}`", *part.aliases]
        forms += [f"#{alias}" for alias in part.aliases if alias.isdigit()]  # "#372" for order 000000372
        return list(dict.fromkeys(forms))
    if part.type == "phone":
        digits = "".join(ch for ch in str(v) if ch.isdigit())[-10:]
        a, b, c = digits[:3], digits[3:6], digits[6:]
        return [f"+1 {a} {b} {c}", f"({a}) {b}-{c}", f"{a}-{b}-{c}", f"+1 {a}-{b}-{c}", f"{a}.{b}.{c}",
                f"+1 ({a}) {b}-{c}"]
    if part.type == "yes_no":
        word = "Yes" if v else "No"
        return [word, f"{word}.", f"**{word}**", word.lower()]
    return [display(part)]


def _ascii(text: str) -> str:
    import unicodedata

    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))


# --- reworded-correct answers -----------------------------------------------------------------------------

_SENTENCES = ("{}", "The answer is {}.", "**{}**", "Answer: {}", "It is {}.", "Based on the page, it is {}.",
              "{} (as shown on the site)")
_LIST_JOINS = (", ", "; ", "\n", " and ")


def _join(items: Sequence[str], how: str) -> str:
    if how == " and ":
        return ", ".join(items[:-1]) + (" and " if len(items) > 1 else "") + items[-1]
    if how == "bullets":
        return "\n".join(f"- {item}" for item in items)
    if how == "numbered":
        return "\n".join(f"{i}. {item}" for i, item in enumerate(items, start=1))
    if how == "oxford":
        return ", ".join(items[:-1]) + (", and " if len(items) > 2 else " and " if len(items) > 1 else "") + items[-1]
    return how.join(items)


def reworded_correct(answer: Answer, note: str = "") -> list[str]:
    """Correct answers written in other harmless forms. (Restating a question that names the alternatives —
    "PNC Park or PPG Paints Arena? PPG Paints Arena" — names a distractor and fails; the executor is told to
    answer with the value alone.)"""
    if not answer.achievable:
        reason = note or "the site does not offer this"
        return ["N/A", f"N/A: {reason}", f"N/A - {reason[0].lower()}{reason[1:]}", f"**N/A**. {reason}",
                f"n/a ({reason})"]
    parts = list(answer.parts)
    if any(part.label for part in parts):
        return _labelled_forms(parts)
    forms: list[str] = []
    canonical = [renderings(part)[0] for part in parts]
    if len(parts) == 1:
        forms += [sentence.format(text) for text in renderings(parts[0]) for sentence in _SENTENCES[:2]]
        forms += [sentence.format(canonical[0]) for sentence in _SENTENCES[2:]]
        return list(dict.fromkeys(forms))
    joins = (*_LIST_JOINS, "bullets", "numbered", "oxford") if is_name_list(answer) else (", ", " and ", "; ")
    for how in joins:
        forms.append(_join(canonical, how))
    if not any(part.type == "number" for part in parts):  # coordinates keep their order; lists and facts need not
        forms.append(_join(canonical[::-1], ", "))
    if answer_kind(answer) == "money range":
        low, high = canonical
        forms += [f"{low}–{high}", f"{low} to {high}", f"from {low} to {high}", f"between {low} and {high}"]
    for index, part in enumerate(parts):  # each value in each of its other forms, the rest as shown
        for text in renderings(part)[1:]:
            forms.append(_join([text if i == index else c for i, c in enumerate(canonical)], ", "))
    forms.append(f"The answer is {_join(canonical, ' and ')}.")
    return list(dict.fromkeys(forms))


def _labelled_forms(parts: Sequence[Part]) -> list[str]:
    shown = [(part.label[0], renderings(part)) for part in parts]
    forms = ["; ".join(f"{label.capitalize()}: {texts[0]}" for label, texts in shown),
             ", ".join(f"{label} {texts[0]}" for label, texts in shown),
             " and ".join(f"{texts[0]} {label}" for label, texts in shown),
             "; ".join(f"{label.capitalize()}: {texts[0]}" for label, texts in reversed(shown))]
    for index in range(len(shown)):
        for text in shown[index][1][1:]:
            forms.append("; ".join(f"{label.capitalize()}: {text if i == index else texts[0]}"
                                   for i, (label, texts) in enumerate(shown)))
    return list(dict.fromkeys(forms))


# --- plausible-wrong answers ------------------------------------------------------------------------------

def _near_misses(part: Part) -> list[Part]:
    """Values a substring test confuses with the right one: a digit put in front, an hour added to minutes, a
    kilometre read as a metre, a decimal point moved."""
    v = part.value
    if part.type in ("count", "number"):
        return [replace(part, value=type(v)(float(f"1{abs(v):g}") * (1 if v >= 0 else -1)))]
    if part.type == "money":
        return [replace(part, value=round(float(f"1{v:.2f}"), 2)), replace(part, value=round(v * 10, 2))]
    if part.type == "duration":
        return [replace(part, value=v + 3600)]
    if part.type == "distance":
        return [replace(part, value=v + 100 * max(part.tolerance, 1))]
    if part.type == "date":
        day = dt.date.fromisoformat(v)
        return [replace(part, value=day.replace(year=day.year - 1).isoformat())]
    return []


def plausible_wrong(answer: Answer, invented: str = "") -> list[str]:
    """Wrong answers built from the task's distractors and from near misses."""
    if not answer.achievable:
        return [invented or "Yes", "0", "The number is 412-555-0199"]
    parts = list(answer.parts)
    canonical = [renderings(part)[0] for part in parts]
    wrong: list[str] = ["N/A: I could not find it"]
    same_type = defaultdict(list)
    for part in answer.exclude:
        same_type[part.type].append(part)
    for index, part in enumerate(parts):
        others = [*same_type.get(part.type, []), *_near_misses(part)]
        if part.type == "yes_no":
            others = [replace(part, value=not part.value)]
        for other in others:
            text = renderings(other)[0]
            wrong.append(_join([text if i == index else c for i, c in enumerate(canonical)], ", "))  # substituted
        for other in same_type.get(part.type, [])[:3]:
            hedge = f"{canonical[index]} or {renderings(other)[0]}"
            wrong.append(_join([hedge if i == index else c for i, c in enumerate(canonical)], ", "))  # hedged
        if part.type == "yes_no":
            wrong.append("Yes or no")
    if len(parts) > 1 and not any(part.label for part in parts):
        for index in range(len(parts)):  # one item missing
            wrong.append(_join([c for i, c in enumerate(canonical) if i != index], ", "))
    for extra in answer.exclude[:3]:  # one wrong item added
        wrong.append(_join([*canonical, renderings(extra)[0]], ", "))
    labelled = [part for part in parts if part.label]
    if len(labelled) >= 2:  # values swapped between their roles
        first, second = labelled[0], labelled[1]
        wrong.append(f"{first.label[0].capitalize()}: {renderings(second)[0]}; "
                     f"{second.label[0].capitalize()}: {renderings(first)[0]}")
    everything = [renderings(p)[0] for p in (*parts, *answer.exclude)]
    wrong.append(" ".join(everything) + " " + " ".join(["and more text from the page"] * 20))  # a page dump
    return list(dict.fromkeys(wrong))


# --- the audit --------------------------------------------------------------------------------------------

@dataclass
class Tally:
    correct: int = 0
    correct_passed: int = 0
    wrong: int = 0
    wrong_passed: int = 0
    webarena_correct_passed: int = 0  # the same answers under WebArena's substring rules (for comparison)
    webarena_wrong_passed: int = 0
    correct_failures: list[str] = field(default_factory=list)
    wrong_passes: list[str] = field(default_factory=list)

    def add(self, other: Tally) -> None:
        self.correct += other.correct
        self.correct_passed += other.correct_passed
        self.wrong += other.wrong
        self.wrong_passed += other.wrong_passed
        self.webarena_correct_passed += other.webarena_correct_passed
        self.webarena_wrong_passed += other.webarena_wrong_passed
        self.correct_failures += other.correct_failures
        self.wrong_passes += other.wrong_passes

    @property
    def correct_rate(self) -> float:
        return 100.0 * self.correct_passed / self.correct if self.correct else 100.0

    @property
    def wrong_rate(self) -> float:
        return 100.0 * self.wrong_passed / self.wrong if self.wrong else 0.0


@dataclass(frozen=True)
class AuditTask:
    """What the audit needs of a task: its id and intent, its typed answer, the note of an unachievable one, and
    (optionally) its WebArena-compatible rules, to compare strict scoring with WebArena's."""

    task_id: int
    intent: str
    answer: Answer
    note: str = ""
    webarena_rules: tuple[MatchRule, ...] = ()


def _webarena_passes(task: AuditTask, text: str, runner: asyncio.Runner) -> bool:
    """Whether VisualAgentBench's rules (with the offline judge for fuzzy checks) pass the answer."""
    evaluator = StringEvaluator(task.webarena_rules, task.intent, task.note)
    result = runner.run(evaluator.evaluate(Outcome(text, ""), None, EvalContext(judge=OfflineJudge())))
    return result.passed


def audit_task(task: AuditTask, runner: asyncio.Runner) -> Tally:
    tally = Tally()
    for text in reworded_correct(task.answer, task.note):
        tally.correct += 1
        if passes(task.answer, text, task.intent):
            tally.correct_passed += 1
        else:
            tally.correct_failures.append(f"task {task.task_id}: {text!r}")
        tally.webarena_correct_passed += bool(task.webarena_rules) and _webarena_passes(task, text, runner)
    for text in plausible_wrong(task.answer):
        tally.wrong += 1
        if passes(task.answer, text, task.intent):
            tally.wrong_passed += 1
            tally.wrong_passes.append(f"task {task.task_id}: {text!r}")
        tally.webarena_wrong_passed += bool(task.webarena_rules) and _webarena_passes(task, text, runner)
    return tally


def audit(tasks: Iterable[AuditTask]) -> dict[str, Tally]:
    """Per answer type, plus "all"."""
    per: dict[str, Tally] = defaultdict(Tally)
    with asyncio.Runner() as runner:  # one event loop for every WebArena-rule comparison
        for task in tasks:
            result = audit_task(task, runner)
            per[answer_kind(task.answer)].add(result)
            per["all"].add(result)
    return dict(per)


def table(per: dict[str, Tally]) -> str:
    """Strict scoring's pass rates per answer type, with WebArena's substring rules (without the recorded
    distractors) on the same answers."""
    lines = ["| answer type | reworded-correct | passed (strict) | % | passed (WebArena rules) | plausible-wrong | "
             "passed (strict) | % | passed (WebArena rules) |", "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for kind in sorted(per, key=lambda k: (k == "all", k)):
        t = per[kind]
        lines.append(f"| {kind} | {t.correct} | {t.correct_passed} | {t.correct_rate:.1f} | "
                     f"{t.webarena_correct_passed} | {t.wrong} | {t.wrong_passed} | {t.wrong_rate:.1f} | "
                     f"{t.webarena_wrong_passed} |")
    return "\n".join(lines)


def suite_tasks(split: str = "test") -> list[AuditTask]:
    from webenv.tasks.suite import load_suite  # the suite builds seed databases; import it only when asked

    # The WebArena column scores the rules as published before distractors were recorded (no must_exclude):
    # what the issue measured.
    return [AuditTask(t.task_id, t.config.intent, t.config.eval.answer, t.config.eval.string_note,
                      tuple(rule for rule in t.config.eval.reference_answers if rule.kind != "must_exclude"))
            for t in load_suite(split) if t.config.eval.answer is not None]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m webenv.scoring_audit", description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("test", "train"), default="test")
    parser.add_argument("--show", action="store_true", help="list every misjudged answer")
    args = parser.parse_args(argv)
    tasks = suite_tasks(args.split)
    per = audit(tasks)
    print(f"{len(tasks)} {args.split} tasks judged on their answer\n")
    print(table(per))
    if args.show:
        for line in per["all"].correct_failures:
            print("correct but failed:", line)
        for line in per["all"].wrong_passes:
            print("wrong but passed:", line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
