"""The agent's state: everything an episode knows, and nothing that cannot be checkpointed.

Only plain data lives here (strings, numbers, lists, dicts), so any checkpointer can store it and a run can be
resumed in another process. Playwright objects stay in `tools.session`'s registry, keyed by `episode_id`.
"""

from __future__ import annotations

import operator
from typing import Annotated, Any, Literal, NotRequired

# typing_extensions' TypedDict, not typing's: on Python < 3.12 pydantic (and so the LangGraph API's /schemas,
# which Studio draws its forms from) cannot read typing.TypedDict and reports no schema at all.
from typing_extensions import TypedDict

Mode = Literal["react", "plan", "plan_and_act"]
Status = Literal["running", "done", "stopped", "failed"]
Role = Literal["planner", "executor", "replanner"]
PlanAuthor = Literal["planner", "replanner", "person"]


class PlanStep(TypedDict):
    reasoning: str
    instruction: str


class Plan(TypedDict):
    """The planner's plan. In `plan_and_act` mode the replanner rewrites it after every action, so `steps` are
    the steps still to do (the first is the current one) and `notes` carry what was found on the way: the plan
    is the agent's memory."""

    steps: list[PlanStep]
    notes: list[str]
    raw: str  # exactly what the model wrote (kept for traces and training data)


class PlanVersion(TypedDict):
    after_action: int  # how many actions had been taken when this plan was written
    plan: Plan
    by: NotRequired[PlanAuthor]  # who wrote it: a person's edit (plan approval) is a version of its own


class Tab(TypedDict):
    index: int
    url: str
    title: str
    active: bool


class Observation(TypedDict):
    url: str
    title: str
    text: str  # accessibility-tree lines: `[12] button "Add to cart"`
    ids: list[int]  # element ids printed in `text`
    tabs: list[Tab]
    truncated: bool
    fingerprint: str  # changes when anything visible changes (loop detection)
    tokens: int
    screenshot: str  # path of the set-of-marks screenshot (observation_mode screenshot/both), or ""; never bytes


class PageView(TypedDict):
    """The page as a model read it: what a step record keeps of the observation the executor acted on."""

    url: str
    title: str
    text: str
    tabs: list[Tab]


class ToolCall(TypedDict):
    id: str
    name: str
    args: dict[str, Any]
    note: NotRequired[str]  # said about the call when it was accepted (e.g. the other calls in the reply were dropped)


class StepRecord(TypedDict):
    """One executed action, with enough context to replay, report, or turn into training data.

    `page`, `plan_version` and `feedback` are what the executor's prompt was built from (with the history before
    this step), so a finished episode becomes planner/executor/replanner examples without re-running it
    (`graph.moments`)."""

    index: int
    action: str
    args: dict[str, Any]
    result: str
    ok: bool
    url_before: str
    url_after: str
    page_changed: bool
    plan_step: str  # the plan step the executor was carrying out
    plan_version: int  # index in `plans` of the plan in force (-1: no plan, react mode)
    page: PageView  # the observation the executor saw when it chose this action
    feedback: list[str]  # problems and warnings the executor was shown with that observation
    reasoning: str  # text the executor wrote with its tool call (chain of thought, if any)
    started_at: float  # unix time
    duration_ms: int
    screenshot: str  # path of a screenshot after the action, or ""


class RoleUsage(TypedDict):
    input_tokens: int
    output_tokens: int
    calls: int


def merge_usage(left: dict[str, RoleUsage] | None, right: dict[str, RoleUsage] | None) -> dict[str, RoleUsage]:
    """Token counts per role add up across nodes (and across a resume)."""
    merged: dict[str, RoleUsage] = {}
    for side in (left or {}, right or {}):
        for role, usage in side.items():
            current = merged.setdefault(role, {"input_tokens": 0, "output_tokens": 0, "calls": 0})
            current["input_tokens"] += int(usage.get("input_tokens", 0))
            current["output_tokens"] += int(usage.get("output_tokens", 0))
            current["calls"] += int(usage.get("calls", 0))
    return merged


class TaskInput(TypedDict, total=False):
    """What a caller gives the graph (and what Studio's input form shows)."""

    intent: str
    start_url: str  # several start tabs may be joined with " |AND| ", as in WebArena configs
    task_id: str
    allowed_domains: list[str]  # default: the start URLs' hosts


class AgentState(TaskInput, total=False):
    episode_id: str  # keys the browser session registry; stable across resumes
    secret_names: list[str]  # names of the configured secrets (never values), fixed when the episode starts
    status: Status
    stop_reason: str
    # Why an episode failed when it was not the agent's doing: "model" (unreachable, refused the key), "browser"
    # (would not start), "start_page" (did not load), "settings" (a run that cannot fit its budget). Empty for
    # outcomes the agent is scored on.
    failure_kind: str
    answer: str
    plan: Plan | None
    plans: Annotated[list[PlanVersion], operator.add]
    observation: Observation | None
    pending_action: ToolCall | None
    executor_reasoning: str
    history: Annotated[list[StepRecord], operator.add]
    usage: Annotated[dict[str, RoleUsage], merge_usage]
    feedback: list[str]  # messages for the executor's next turn (tool-call problems, loop warnings)
    invalid_outputs: int  # malformed model outputs so far (all roles)
    repeats: int  # consecutive identical actions that left the page unchanged
    loop_replanned: bool  # a replan was already forced for the current repeat streak
    force_replan: bool
    resumes: int  # times the browser session was re-created (process restart, resume)
    plans_reviewed: int  # plan versions a person has answered for (approve_plan): the next one is awaiting review
