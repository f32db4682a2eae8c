"""One embedded task, end to end: fresh environment -> policy -> graph in a real browser -> WebArena evaluation.

The agent's browser stays open when the episode ends, so `program_html` checks read the agent's own last page
(unsaved form values included), exactly as WebArena evaluates; then everything the episode started is stopped.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.language_models import BaseChatModel
from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.store.base import BaseStore

from graph.context import Context, ContextError
from graph.recorder import ModelCallRecorder
from graph.runs import UpdateHook, stream_run, task_input
from graph.state import AgentState
from harness import environments
from harness.trajectory import trajectory
from policies.providers import forget_oracle, register_oracle
from tools import secrets
from tools.session import BrowserSession
from webenv.evaluators import EvalContext, EvalResult, Outcome, build_evaluator
from webenv.server import Environment
from webenv.tasks.config import TaskConfig, substitute
from webenv.tasks.suite import EmbeddedTask

POLICY_KINDS = ("oracle", "stop-at-once", "constant-answer", "page-dump")  # besides real models


log = logging.getLogger(__name__)


def unattended(settings: Context) -> Context:
    """The settings, if they suit episodes nobody watches (benchmarks, data collection, the demo): a plan review
    would wait for a person forever."""
    if settings.approve_plan != "off":
        raise ContextError(f"approve_plan={settings.approve_plan} waits for a person to review each plan; episodes "
                           "here run unattended (use it with `plan-and-act run`)")
    return settings


@dataclass(frozen=True)
class PolicyChoice:
    """Who plays the roles: the task's reference solution ("oracle"), a floor baseline ("stop-at-once",
    "constant-answer", "page-dump"; see policies.baselines), or real models (init_chat_model strings, optionally
    behind an OpenAI-compatible `base_url`)."""

    kind: str = "oracle"
    planner_model: str = ""
    executor_model: str = ""
    replanner_model: str = ""
    base_url: str = ""

    @classmethod
    def models(cls, model: str = "", *, planner: str = "", executor: str = "", replanner: str = "",
               base_url: str = "") -> PolicyChoice:
        return cls(kind="models", planner_model=planner or model, executor_model=executor or model,
                   replanner_model=replanner, base_url=base_url)

    @classmethod
    def from_settings(cls, model: str, given: dict[str, Any], default_kind: str = "oracle") -> PolicyChoice:
        """What a command line asks for: real models when `model` (every role) or a role's model setting is
        given — `model` fills the roles not named — else the built-in policy `default_kind`."""
        roles = ("planner_model", "executor_model", "replanner_model")
        if model or any(given.get(name) for name in roles):
            return cls.models(model, planner=given.get("planner_model", ""), executor=given.get("executor_model", ""),
                              replanner=given.get("replanner_model", ""), base_url=given.get("base_url", ""))
        return cls(kind=default_kind)

    @property
    def label(self) -> str:
        if self.kind != "models":
            return self.kind
        return self.executor_model if self.planner_model == self.executor_model else (
            f"{self.planner_model} + {self.executor_model}")

    def model_settings(self, task: EmbeddedTask | None = None, placeholders: dict[str, str] | None = None,
                       key: str = "") -> dict[str, str]:
        """Context settings for the roles; the oracle registers the task's reference policy under `key`."""
        if self.kind == "page-dump" and task is not None and "string_match" not in task.config.eval.eval_types:
            return {"planner_model": "stop-at-once:", "executor_model": "stop-at-once:"}  # see policies.baselines
        if self.kind in ("oracle", "page-dump"):
            if task is None:
                raise ValueError(f"the {self.kind} policy needs a task with a reference solution")
            name = register_oracle(key, task.solution, placeholders or {}, page_dump=self.kind == "page-dump")
            return {"planner_model": name, "executor_model": name}
        if self.kind in ("stop-at-once", "constant-answer"):
            return {"planner_model": f"{self.kind}:", "executor_model": f"{self.kind}:"}
        return {"planner_model": self.planner_model, "executor_model": self.executor_model,
                "replanner_model": self.replanner_model, "base_url": self.base_url}


@dataclass
class EpisodeResult:
    task_id: int
    group: str
    sites: list[str]
    eval_types: list[str]
    intent: str
    policy: str
    mode: str
    status: str
    stop_reason: str
    answer: str
    score: float
    checks: list[str]
    steps: int
    seconds: float
    usage: dict[str, Any] = field(default_factory=dict)
    actions: list[dict[str, Any]] = field(default_factory=list)
    final_url: str = ""
    error: str = ""
    thread_id: str = ""
    trajectory: dict[str, Any] = field(default_factory=dict)  # what the viewer shows (`harness.trajectory`)
    error_kind: str = ""  # set with status "error": what failed that was not the agent (model, browser, ...)

    @property
    def passed(self) -> bool:
        return self.score >= 1.0

    @property
    def scored(self) -> bool:
        """An outcome the agent is judged on; infrastructure errors (status "error") are not."""
        return self.status != "error"

    def to_json(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items()}


def _storage_state_file(env: Environment, task: EmbeddedTask) -> str:
    """Log in to the task's sites (WebArena starts `require_login` tasks logged in) and save the cookies in the
    environment's private folder, which is deleted with it."""
    if not task.config.require_login:
        return ""
    sites = [site for site in task.sites if any(spec.name == site and spec.login for spec in env.specs)]
    if not sites:
        return ""
    path = env.workdir / "storage_state.json"
    path.write_text(json.dumps(env.storage_state(sites)))
    return str(path)


@dataclass(frozen=True)
class EpisodeSetup:
    """Everything one episode needs besides the agent's settings: the task, where its sites are, the login
    state, and which models play the roles."""

    config: TaskConfig
    placeholders: dict[str, str]
    storage_state: str
    model_settings: dict[str, str]
    policy_label: str


async def run_task(setup: EpisodeSetup, settings: Context | None = None, *, judge: BaseChatModel | None = None,
                   on_update: UpdateHook | None = None, callbacks: Sequence[BaseCallbackHandler] = (),
                   checkpointer: BaseCheckpointSaver | None = None, store: BaseStore | None = None,
                   thread_id: str | None = None) -> EpisodeResult:
    """Run one task on sites that are already up (embedded or real WebArena) and evaluate the agent's final page.

    `settings` are the user's (flags, environment, defaults); the task decides only what it must: its login state
    and, for the oracle and the floor baselines, the model strings."""
    started = time.monotonic()
    task, placeholders = setup.config, setup.placeholders
    base = settings or Context()
    context = base.replace(storage_state=setup.storage_state or base.storage_state, **setup.model_settings)
    start_url = substitute(task.start_url, placeholders)
    intent = substitute(task.intent, placeholders)  # multi-site intents name the other site

    async def evaluate(state: AgentState, session: BrowserSession | None) -> tuple[EvalResult, str]:
        last_url = session.page.url if session is not None else (state.get("observation") or {}).get("url", "")
        evaluation = await build_evaluator(task).evaluate(
            Outcome(answer=state.get("answer") or "", last_url=last_url), session.page if session is not None else None,
            EvalContext(placeholders=placeholders, judge=judge))
        return evaluation, last_url

    recorder = ModelCallRecorder()
    run = await stream_run(task_input(intent, start_url, str(task.task_id)), context, thread_id=thread_id,
                           checkpointer=checkpointer, store=store, callbacks=[*callbacks, recorder],
                           on_update=on_update,
                           inspect=evaluate)
    state = run.state
    assert run.inspected is not None
    evaluation, last_url = run.inspected
    history = state.get("history", [])
    failure = state.get("failure_kind", "")
    result = EpisodeResult(
        task_id=int(task.task_id or 0), group=task.group, sites=list(task.sites),
        eval_types=list(task.eval.eval_types), intent=intent, policy=setup.policy_label, mode=context.mode,
        status=state.get("status", "?"), stop_reason=state.get("stop_reason", ""), answer=state.get("answer") or "",
        score=evaluation.score, checks=[check.describe() for check in evaluation.checks], steps=len(history),
        seconds=round(time.monotonic() - started, 2), usage=state.get("usage", {}),
        actions=[{"action": s["action"], "args": s["args"], "ok": s["ok"], "url": s["url_after"],
                  "result": s["result"][:300], "plan_step": s["plan_step"], "screenshot": s["screenshot"]}
                 for s in history],
        final_url=last_url, thread_id=run.thread_id,
        trajectory=trajectory(state, recorder.for_thread(run.thread_id), context))
    if failure:  # the model, the browser or the site failed, not the agent: not scored
        result.status, result.error, result.error_kind, result.score = "error", result.stop_reason, failure, 0.0
    # Everything in a result is written to JSONL and HTML; the final URL and the checks come from the live page.
    return EpisodeResult(**secrets.redact_value(result.to_json()))


async def run_embedded_task(task: EmbeddedTask, policy: PolicyChoice, settings: Context | None = None,
                            **options: Any) -> EpisodeResult:
    """Get an embedded environment for the task (a fresh one unless the process reuses one: `harness.environments`),
    run it (`options` go to `run_task`), evaluate it, and release the environment."""
    key = f"{task.task_id}-{uuid.uuid4().hex[:8]}"
    source = environments.current()
    env = await source.acquire(task.sites)
    try:
        storage = await asyncio.to_thread(_storage_state_file, env, task)
        setup = EpisodeSetup(config=task.config, placeholders=env.placeholders, storage_state=storage,
                             model_settings=policy.model_settings(task, env.placeholders, key),
                             policy_label=policy.label)
        return await run_task(setup, settings, **options)
    finally:
        forget_oracle(key)
        await source.release(env)


def failed_result(config: TaskConfig, policy: PolicyChoice, mode: str, error: BaseException) -> EpisodeResult:
    """A result for an episode that crashed (a bug, not an agent failure): it scores 0 and says why."""
    log.error("the episode of task %s crashed (recorded as an error, the sweep goes on)", config.task_id,
              exc_info=error)
    return EpisodeResult(task_id=int(config.task_id or 0), group=config.group, sites=list(config.sites),
                         eval_types=list(config.eval.eval_types), intent=config.intent, policy=policy.label,
                         mode=mode, status="error", stop_reason="", answer="", score=0.0, checks=[], steps=0,
                         seconds=0.0, error=secrets.redact(f"{type(error).__name__}: {error}"), error_kind="crash")
