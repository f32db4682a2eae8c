"""Run settings: the graph's `context_schema`, shown by Studio as a form and passed by callers as `context=`.

This dataclass is the one definition of every setting: its fields' defaults are the defaults, their descriptions
are the help texts. Everything else derives from it: the flags of `plan-and-act run` and of the bench commands
(`graph.context_flags`), the environment variables `PLAN_AND_ACT_<FIELD>` (read here, so they reach a run however
it is started: Python, the CLI, `langgraph dev`), and the form Studio draws.

Precedence: a value given explicitly (keyword, `context=` mapping, command-line flag) beats the environment, which
beats the declared default. Unknown names are an error, not silently ignored: a typo in a setting must not run
the episode with the default instead.

Settings are not state: they are not checkpointed and may differ between a run and its resume (a resume may
switch to another model). They never hold secrets: API keys come from the environment, because LangChain copies
configuration values into trace metadata.
"""

from __future__ import annotations

import os
import re
import typing
from collections.abc import Mapping
from dataclasses import MISSING, Field, dataclass, field, fields
from functools import cache
from typing import Any, Literal, get_args, get_origin

from langgraph.config import get_config
from langgraph.runtime import Runtime

from graph.state import Mode, Role

MODES: tuple[str, ...] = get_args(Mode)
ObservationMode = Literal["text", "screenshot", "both"]
ApprovePlan = Literal["off", "first", "every"]
ENV_PREFIX = "PLAN_AND_ACT_"
READ_TOOLS = ("extract_text", "extract_hyperlinks")
_SECRET_DOMAIN = re.compile(r"\s*[A-Za-z0-9_]+\s*=\s*\S+\s*")


class ContextError(ValueError):
    """A run setting with a bad name or value; the message names the setting (and its variable, if from there)."""


def env_name(setting: str) -> str:
    return ENV_PREFIX + setting.upper()


@dataclass(kw_only=True, init=False)
class Context:
    mode: Mode = field(default="plan_and_act", metadata={
        "description": "react = executor alone; plan = plan once; plan_and_act = replan after every action."})
    planner_model: str = field(default="openai:gpt-4o-mini", metadata={
        "description": "init_chat_model string for the planner, e.g. openai:gpt-4o or ollama:llama3.1."})
    executor_model: str = field(default="openai:gpt-4o-mini", metadata={
        "description": "init_chat_model string for the executor (must support tool calling)."})
    replanner_model: str = field(default="", metadata={
        "description": "Model for replanning; empty = the planner model."})
    base_url: str = field(default="", metadata={
        "description": "OpenAI-compatible server for every role (vLLM, Ollama, llama.cpp); empty = provider default."})
    planner_base_url: str = field(default="", metadata={"description": "Overrides base_url for the planner."})
    executor_base_url: str = field(default="", metadata={"description": "Overrides base_url for the executor."})
    replanner_base_url: str = field(default="", metadata={"description": "Overrides base_url for the replanner."})
    temperature: float = field(default=0.0, metadata={"description": "Sampling temperature for every role."})
    max_steps: int = field(default=30, metadata={"description": "Stop after this many browser actions."})
    max_invalid_outputs: int = field(default=3, metadata={
        "description": "Retries after malformed model output (no tool call, unknown tool, bad arguments)."})
    loop_limit: int = field(default=3, metadata={
        "description": "The same action this many times on an unchanged page forces a replan; once more stops."})
    history_window: int = field(default=8, metadata={
        "description": "The executor sees this many recent actions in full; older ones are shortened."})
    viewport_only: bool = field(default=False, metadata={
        "description": "Observe only what is on screen (the paper's setting) instead of the whole page."})
    observation_tokens: int = field(default=6000, metadata={"description": "Token budget of one observation."})
    observation_mode: ObservationMode = field(default="text", metadata={
        "description": "What the models see of the page: text (the element lines), screenshot (the viewport "
                       "with element ids drawn on it, plus a legend of those elements), or both."})
    link_urls: bool = field(default=True, metadata={"description": "Show link targets in observations."})
    cot: bool = field(default=False, metadata={
        "description": "Planner and executor reason before answering (the paper's CoT variant)."})
    approve_plan: ApprovePlan = field(default="off", metadata={
        "description": "A person reviews the plan before the agent acts on it: off; first = the planner's plan; "
                       "every = also each replan. The run pauses (a LangGraph interrupt whose value is the plan) "
                       "until it is answered with approve, edit (a new plan text) or reject; it needs a "
                       "checkpointer."})
    headless: bool = field(default=True, metadata={"description": "Run Chromium without a window."})
    navigation_timeout_ms: int = field(default=15_000, metadata={"description": "Page-load timeout."})
    action_timeout_ms: int = field(default=5_000, metadata={"description": "Timeout of one click/type/..."})
    page_timeout_ms: int = field(default=20_000, metadata={
        "description": "Longest one observation may take, and an action beyond its own timeouts, before the page "
                       "is treated as hung (its scripts are stopped, or its tab reopened)."})
    block_offsite_requests: bool = field(default=True, metadata={
        "description": "Refuse requests a page makes outside the allowed domains (fetch, images, beacons, "
                       "websockets); turn off for sites that load from other hosts, or list them in "
                       "subresource_domains."})
    subresource_domains: list[str] = field(default_factory=list, metadata={
        "description": "Hosts a page may load from (e.g. a CDN) without the agent being allowed to go there."})
    secret_domains: list[str] = field(default_factory=list, metadata={
        "description": "Where each secret may be typed: NAME=domain entries (repeatable, host or host:port). A "
                       "secret with no entry may be typed only on the start URLs' own origins."})
    downloads_dir: str = field(default="", metadata={
        "description": "Keep files the agent downloads here; empty = report them (name and size) and discard."})
    settle_ms: int = field(default=2_000, metadata={
        "description": "After an action, wait up to this long (ms) for the page to stop changing before it is "
                       "observed; the executor's wait action asks for more."})
    storage_state: str = field(default="", metadata={
        "description": "Path of a Playwright storage-state JSON to start from (e.g. logged-in cookies)."})
    screenshots_dir: str = field(default="", metadata={
        "description": "Save a screenshot after every action under this directory (for reports)."})
    read_tools: list[str] = field(default_factory=list, metadata={
        "description": "Extra read-only tools from langchain-community: " + ", ".join(READ_TOOLS) + "."})

    def __init__(self, **values: Any) -> None:
        unknown = sorted(set(values) - set(SETTING_NAMES))
        if unknown:
            raise ContextError(f"unknown setting{'s' if len(unknown) > 1 else ''} {', '.join(map(repr, unknown))}; "
                               f"the settings are: {', '.join(SETTING_NAMES)}")
        for spec in fields(self):
            if spec.name in values:
                value = _checked(spec, values[spec.name], spec.name)
            else:
                value = default_value(spec)
            setattr(self, spec.name, value)
        self.__post_init__()

    def __post_init__(self) -> None:
        for name in ("max_steps", "observation_tokens", "loop_limit", "history_window", "page_timeout_ms"):
            if int(getattr(self, name)) < 1:
                raise ContextError(f"{name} must be at least 1")
        if self.max_invalid_outputs < 0:
            raise ContextError("max_invalid_outputs must not be negative")
        malformed = [entry for entry in self.secret_domains if not _SECRET_DOMAIN.fullmatch(entry)]
        if malformed:
            raise ContextError(f"secret_domains entries are NAME=domain, not {', '.join(map(repr, malformed))}")
        unknown = set(self.read_tools) - set(READ_TOOLS)
        if unknown:
            raise ContextError(f"unknown read_tools: {', '.join(sorted(unknown))} (known: {', '.join(READ_TOOLS)})")

    def roles(self) -> list[Role]:
        """The roles this mode asks a model: react = executor alone; plan adds the planner; plan_and_act both
        and the replanner."""
        return {"react": ["executor"], "plan": ["planner", "executor"]}.get(
            self.mode, ["planner", "executor", "replanner"])  # type: ignore[return-value]

    def model_for(self, role: Role) -> tuple[str, str]:
        """The (model string, base URL) a role uses."""
        if role == "planner":
            return self.planner_model, self.planner_base_url or self.base_url
        if role == "executor":
            return self.executor_model, self.executor_base_url or self.base_url
        return self.replanner_model or self.planner_model, (
            self.replanner_base_url or self.planner_base_url or self.base_url)

    def secret_domain_entries(self) -> dict[str, tuple[str, ...]]:
        """secret name -> the domains the user allowed it on."""
        allowed: dict[str, tuple[str, ...]] = {}
        for entry in self.secret_domains:
            name, _, domain = entry.partition("=")
            allowed[name.strip()] = (*allowed.get(name.strip(), ()), domain.strip())
        return allowed

    def as_dict(self) -> dict[str, Any]:
        return {spec.name: getattr(self, spec.name) for spec in fields(self)}

    def replace(self, **changes: Any) -> Context:
        return Context(**{**self.as_dict(), **changes})

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any], *, strict: bool = True) -> Context:
        """From a mapping; `strict=False` keeps only setting names (LangGraph's legacy `configurable` also carries
        thread ids, checkpoint ids and request headers, which are not settings)."""
        if strict:
            return cls(**values)
        return cls(**{k: v for k, v in values.items() if k in SETTING_NAMES})


SETTING_NAMES: tuple[str, ...] = tuple(spec.name for spec in fields(Context))


def recursion_limit_for(max_steps: int) -> int:
    """Supersteps an episode of `max_steps` actions may need: the first observe and the planner, four per
    action (executor, observe, replan, and a person's review of the replan when `approve_plan` is "every"), and
    the final observe, with room to spare."""
    return 4 * max_steps + 10


def declared_default(spec: Field[Any]) -> Any:
    if spec.default is not MISSING:
        return spec.default
    factory: Any = spec.default_factory
    return factory()


def default_value(spec: Field[Any]) -> Any:
    """The environment's value for a setting if its variable is set, else the declared default."""
    variable = env_name(spec.name)
    raw = os.environ.get(variable)
    if raw is None:
        return declared_default(spec)
    return parse_text(spec, raw, variable)


@cache
def _hints() -> dict[str, Any]:
    return typing.get_type_hints(Context)


def setting_type(spec: Field[Any]) -> Any:
    return _hints()[spec.name]


def parse_text(spec: Field[Any], raw: str, where: str) -> Any:
    """A setting's value from text (an environment variable or a command-line flag)."""
    kind = setting_type(spec)
    text = raw.strip()
    try:
        if kind is bool:
            lowered = text.lower()
            if lowered in ("1", "true", "yes", "on"):
                return True
            if lowered in ("0", "false", "no", "off", ""):
                return False
            raise ValueError(f"expected true or false, not {raw!r}")
        if kind is int:
            return int(text.replace("_", ""))
        if kind is float:
            return float(text)
        if get_origin(kind) is list:
            return [item.strip() for item in text.split(",") if item.strip()]
        return _checked(spec, text, where)
    except ValueError as exc:
        raise ContextError(f"{where}: {exc}") from None


def _checked(spec: Field[Any], value: Any, where: str) -> Any:
    """The value if it has the setting's type (ints are accepted for floats), else a ContextError."""
    kind = setting_type(spec)
    if get_origin(kind) is Literal:
        if value not in get_args(kind):
            raise ContextError(f"{where} must be one of {', '.join(get_args(kind))}, not {value!r}")
        return value
    if get_origin(kind) is list:
        if isinstance(value, str) or not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
            raise ContextError(f"{where} must be a list of strings, not {value!r}")
        return list(value)
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if isinstance(kind, type) and not (isinstance(value, kind) and not (kind is int and isinstance(value, bool))):
        raise ContextError(f"{where} must be {kind.__name__}, not {type(value).__name__} {value!r}")
    return value


def settings(runtime: Runtime[Context] | None) -> Context:
    """The run's Context, whichever way the caller passed it: `context=` (LangGraph >= 0.6), the legacy
    `configurable` mapping of the running node's config (the LangGraph API mirrors one into the other), or
    nothing (environment and defaults)."""
    context = runtime.context if runtime is not None else None
    if isinstance(context, Context):
        return context
    if isinstance(context, Mapping):
        return Context.from_mapping(context)
    try:
        configurable = get_config().get("configurable") or {}
    except RuntimeError:  # called outside a running graph
        configurable = {}
    return Context.from_mapping(configurable, strict=False)

