"""Every prompt the pipeline's TEACHER model sees, and nothing else.

These are the teacher's prompts, not the agent's: the messages a trained planner or executor sees come from the
runtime's builders in `nodes.prompts` (the export calls those). Each template's version is the hash of its text,
so editing a prompt changes the keys of the records it produces and a rerun redoes exactly those.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import Any

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage

from nodes.prompts import render_observation
from tools.vocabulary import format_action

PAGE_CHARS = 6000  # a page in a prompt about one trajectory
SEED_PAGE_CHARS = 1500  # a page in a prompt that shows several seeds

SYSTEM = """You write training data for a web agent that works in a real browser. Its PLANNER writes a
high-level plan; its EXECUTOR turns the current step into one browser action (click, type, select an option,
scroll, go back, stop with the answer ...). Follow the requested output format exactly: the output is parsed by
a program, and anything outside the format is lost."""

PLAN_RULES = """Plan format (a program reads it):
## Step 1
Reasoning: <why this step; for step 1, what the first page shows>
Step: <one high-level, specific instruction that names the values to type and the links or buttons to use>

## Step 2
...

## Notes
- <facts already found that the answer needs; leave the section out if there are none>

A step may take several browser actions. The last step says what answer to give (with the exact values) or
what to confirm."""

ANNOTATE = """A web agent did the task below successfully. You see the page it started on and every browser
action it took, numbered {first} to {last}, with the page before and after each one.

Reverse-engineer the high-level plan these actions carried out, and ground it: every step gets a line
`Actions: i, j, k` naming the actions it covers.
- Steps cover consecutive actions in order: step 1 starts at action {first}, each later step starts right after
  the previous one ends, and together they cover every action up to {last}. (`Actions: 0, 1, 2` then
  `Actions: 3, 4` is right; `0, 3, 4` then `1, 2` is wrong.)
- At most {count} steps. Group actions that serve one purpose (typing a query and submitting it, paging
  through a list to count items) into one step.
- Write every Reasoning as if you had seen only the task and the first page: never mention later pages or
  results you could not know yet.
- Put the plan between <plan> and </plan>.

{plan_rules}
Actions: <indices>   (one such line in every step)

## Task
{intent}

## First page
{page}

## Actions
{actions}"""

REPLAN = """A web agent is doing the task below. It has taken actions 0 to {done_last}; the page it sees now is
below. Its previous plan is below too. You also see the actions it will take next, numbered {first} to {last}:
they are known to complete the task.

Write the agent's updated plan: only the steps still to do, grounded in the future actions. Every step gets a
line `Actions: i, j, k` naming the future actions it covers; the steps cover consecutive actions in order,
starting at {first} and ending at {last}, each action in exactly one step, at most {count} steps.
- Write the Reasoning as the agent would, knowing only the task, the actions so far and the current page:
  check whether the last action worked and say what the page shows; never mention what only the future
  actions reveal.
- Copy into Notes every fact found so far that the answer will need (counts, prices, names read from pages).
- Put the plan between <plan> and </plan>.

{plan_rules}
Actions: <indices>   (one such line in every step)

## Task
{intent}

## Previous plan
{previous_plan}

## Actions so far
{history}

## Current page
{page}

## Future actions (known to complete the task)
{future}"""

QUERIES = """Below are {k} tasks that people gave a web agent, each with its website and the first page the agent
saw. Write {n} NEW tasks for the same websites.
- Each new task starts on the first page of one example: give that example's number as "seed".
- Never mention example numbers, seeds or page indices in the task text: it must read like a person's request.
- Tasks must be doable on that website from that page, specific (concrete names, values and dates that appear
  on or plausibly exist on the site) and varied: look-ups, navigation, counting across pages, changes to data.
- Do not repeat or lightly reword the examples.
Answer with a JSON list only: [{{"seed": 1, "intent": "..."}}, ...]

{seeds}"""

FEASIBILITY = """Each candidate task below is meant to be done on a website, starting from the page shown with it.
Decide for each whether an agent could really complete it there (the site offers what it needs and it does not
depend on facts the site cannot have). Answer with a JSON list only, one entry per candidate, in order:
[{{"i": 1, "feasible": true, "why": "..."}}, ...]

{candidates}"""

EXPAND = """Below are {k} examples of a task and the plan that carries it out on a website, each with the first page
the agent saw. Write {n} NEW task-and-plan pairs in the same style.
- Each new pair starts on the first page of one example: give that example's number as "seed", and refer to
  that page's real links, buttons and fields by their names.
- Never mention example numbers, seeds or page indices in the task text.
- Tasks are specific and varied; the plans are complete, high level and specific.
{plan_rules}
Answer with a JSON list only: [{{"seed": 1, "intent": "...", "plan": "## Step 1\\nReasoning: ...\\nStep: ..."}}, ...]

{seeds}"""

PROPOSE_CLASSES = """A web agent failed the tasks below on the website "{site}". For each you see the task, its
actions, how it ended and the evaluator's verdict. Group the failures into 3 or 4 named classes of mistakes (for
example: "stops before paging through all results", "types into the wrong search field"), each described so that
someone could tell whether a new task would exercise it.
Answer with a JSON list only: [{{"name": "short_snake_case_name", "description": "..."}}, ...]

{failures}"""

CLASSIFY = """These are the kinds of mistakes a web agent makes on the website "{site}":
{classes}

Below is a training task and its plan. Which kind of mistake does this task give the agent practice in
avoiding (its plan goes through the very situation the description names)? If none fits, answer "Other".
Answer with a JSON object only: {{"class": "<one of the names above, or Other>"}}

## Task
{intent}

## Plan
{plan}"""

AUGMENT = """A web agent often makes this mistake on the website "{site}": {class_name} — {class_description}

Below is a training task that goes through that situation, its plan, and its first page. Write ONE new task and
its plan, similar to this one and going through the same situation, starting on the same page.
- Refer to the page's links, buttons and fields by their exact names as the page shows them.
- Change the specifics (what to look for, which values), not the kind of task.
{plan_rules}
Answer with a JSON object only: {{"intent": "...", "plan": "## Step 1\\nReasoning: ...\\nStep: ..."}}

## Task
{intent}

## Plan
{plan}

## First page
{page}"""

COT_PLAN = """Below are a task, the first page an agent saw, and the correct plan for it. Write the reasoning a
careful planner goes through before writing this plan (what the page shows, what the task needs, why each
step), inside <thinking> and </thinking>; then copy the plan unchanged inside <plan> and </plan>.

## Task
{intent}

## First page
{page}

## Correct plan
{plan}"""

COT_ACTION = """Below are a task, the plan step the agent is working on, the actions so far, the current page, and
the correct next action. Write one or two sentences of reasoning that lead from the page and the step to this
action, inside <thinking> and </thinking>; then write the action itself, as the JSON object shown, inside
<action> and </action>.

## Task
{intent}

## Current step
{step}

## Actions so far
{history}

## Current page
{page}

## Correct next action
{action}"""

JUDGE = """A web agent was given the task below. You see every action it took, the page it ended on and the answer
it gave. Did it achieve what the task asks (the right information in the answer, or the requested change made)?
Answer YES or NO, and nothing else.

## Task
{intent}

## Actions
{history}

## Last page
{page}

## Answer given
{answer}"""

CORRECTION = "That answer could not be used: {problem}. Write the whole answer again, following the format."

TEMPLATES: dict[str, str] = {
    "system": SYSTEM, "plan_rules": PLAN_RULES, "annotate": ANNOTATE, "replan": REPLAN, "queries": QUERIES,
    "feasibility": FEASIBILITY, "expand": EXPAND, "propose_classes": PROPOSE_CLASSES, "classify": CLASSIFY,
    "augment": AUGMENT, "cot_plan": COT_PLAN, "cot_action": COT_ACTION, "judge": JUDGE, "correction": CORRECTION,
}


def version(*names: str) -> dict[str, str]:
    """Short hashes of the named templates (plus the system prompt and correction every call may use)."""
    wanted = ("system", "correction", *names)
    return {name: hashlib.sha256(TEMPLATES[name].encode()).hexdigest()[:16] for name in wanted}


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def page(observation: dict[str, Any] | None, limit: int = PAGE_CHARS) -> str:
    """A page as the runtime shows it to the agent (same renderer), cut to fit a teacher prompt."""
    return clip(render_observation(observation), limit)  # type: ignore[arg-type]


def _messages(body: str) -> list[BaseMessage]:
    return [SystemMessage(SYSTEM), HumanMessage(body)]


def correction(reply: str, problem: str) -> list[BaseMessage]:
    """What the teacher sees after an unusable answer: its answer, then what was wrong."""
    return [AIMessage(reply), HumanMessage(CORRECTION.format(problem=problem))]


def annotate(intent: str, first_page: str, actions: str, first: int, last: int) -> list[BaseMessage]:
    return _messages(ANNOTATE.format(intent=intent, page=first_page, actions=actions, first=first, last=last,
                                     count=last - first + 1, plan_rules=PLAN_RULES))


def replan(intent: str, previous_plan: str, history: str, current_page: str, future: str, done: int,
           end: int) -> list[BaseMessage]:
    return _messages(REPLAN.format(intent=intent, previous_plan=previous_plan, history=history, page=current_page,
                                   future=future, done_last=done - 1, first=done, last=end - 1, count=end - done,
                                   plan_rules=PLAN_RULES))


def _seed_block(number: int, seed: dict[str, Any], with_plan: bool) -> str:
    parts = [f"### Example {number}", f"Website: {seed['site']}", f"Task: {seed['intent']}"]
    if with_plan:
        parts.append("Plan:\n" + seed["plan"])
    parts.append("First page:\n" + page(seed.get("observation"), SEED_PAGE_CHARS))
    return "\n".join(parts)


def queries(seeds: Sequence[dict[str, Any]], n: int) -> list[BaseMessage]:
    blocks = "\n\n".join(_seed_block(i, s, False) for i, s in enumerate(seeds, start=1))
    return _messages(QUERIES.format(k=len(seeds), n=n, seeds=blocks))


def feasibility(candidates: Sequence[tuple[str, dict[str, Any]]]) -> list[BaseMessage]:
    """candidates: (intent, seed it starts from)."""
    blocks = "\n\n".join(f"### Candidate {i}\nWebsite: {seed['site']}\nTask: {intent}\nStarting page:\n"
                         + page(seed.get("observation"), SEED_PAGE_CHARS)
                         for i, (intent, seed) in enumerate(candidates, start=1))
    return _messages(FEASIBILITY.format(candidates=blocks))


def expand(seeds: Sequence[dict[str, Any]], n: int) -> list[BaseMessage]:
    blocks = "\n\n".join(_seed_block(i, s, True) for i, s in enumerate(seeds, start=1))
    return _messages(EXPAND.format(k=len(seeds), n=n, seeds=blocks, plan_rules=PLAN_RULES))


def propose_classes(site: str, failures: str) -> list[BaseMessage]:
    return _messages(PROPOSE_CLASSES.format(site=site, failures=failures))


def classify(site: str, classes: Sequence[dict[str, str]], intent: str, plan: str) -> list[BaseMessage]:
    listed = "\n".join(f"- {c['name']}: {c['description']}" for c in classes)
    return _messages(CLASSIFY.format(site=site, classes=listed, intent=intent, plan=plan))


def augment(site: str, failure_class: dict[str, str], intent: str, plan: str,
            observation: dict[str, Any] | None) -> list[BaseMessage]:
    return _messages(AUGMENT.format(site=site, class_name=failure_class["name"],
                                    class_description=failure_class["description"], intent=intent, plan=plan,
                                    page=page(observation), plan_rules=PLAN_RULES))


def cot_plan(intent: str, observation: dict[str, Any] | None, plan: str) -> list[BaseMessage]:
    return _messages(COT_PLAN.format(intent=intent, page=page(observation), plan=plan))


def cot_action(intent: str, step: str, history: str, observation: dict[str, Any] | None, name: str,
               args: dict[str, Any]) -> list[BaseMessage]:
    action = json.dumps({"name": name, "args": args}, ensure_ascii=False)
    return _messages(COT_ACTION.format(intent=intent, step=step or "(no plan: act on the task)", history=history,
                                       page=page(observation), action=action))


def judge(intent: str, history: str, last_page: str, answer: str) -> list[BaseMessage]:
    return _messages(JUDGE.format(intent=intent, history=history, page=last_page, answer=answer or "(none)"))


def describe_action(index: int, name: str, args: dict[str, Any], result: str, before: dict[str, Any] | None,
                    after: dict[str, Any] | None) -> str:
    """One action for a teacher: what was done, to which element (its line on the page), and where it led."""
    line = f"{index}. {format_action(name, args)}"
    element = _element_line(before, args.get("id"))
    if element:
        line += f"  on {element}"
    if before:
        line += f"\n   page before: {before.get('title', '')} ({before.get('url', '')})"
    line += f"\n   result: {clip(' '.join(str(result).split()), 300)}"
    if after:
        line += f"\n   page after: {after.get('title', '')} ({after.get('url', '')})"
    return line


def _element_line(observation: dict[str, Any] | None, element_id: Any) -> str:
    if observation is None or element_id is None:
        return ""
    marker = f"[{element_id}]"
    for text_line in str(observation.get("text", "")).splitlines():
        if text_line.lstrip().startswith(marker):
            return clip(text_line.strip(), 200)
    return ""
