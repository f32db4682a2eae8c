"""Run settings: the graph's `context_schema`, shown by Studio as a form and passed by callers as `context=`.

Settings are not state: they are not checkpointed and may differ between a run and its resume (a resume may
switch to another model). They never hold secrets: API keys come from the environment, because LangChain copies
configuration values into trace metadata.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any, get_args

from langgraph.runtime import Runtime

from graph.state import Mode, Role

MODES: tuple[str, ...] = get_args(Mode)


class ContextError(ValueError):
    """A run setting with a bad value; the message names the setting."""


@dataclass(kw_only=True)
class Context:
    mode: str = field(default="plan_and_act", metadata={
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
    link_urls: bool = field(default=True, metadata={"description": "Show link targets in observations."})
    cot: bool = field(default=False, metadata={
        "description": "Planner and executor reason before answering (the paper's CoT variant)."})
    headless: bool = field(default=True, metadata={"description": "Run Chromium without a window."})
    navigation_timeout_ms: int = field(default=15_000, metadata={"description": "Page-load timeout."})
    action_timeout_ms: int = field(default=5_000, metadata={"description": "Timeout of one click/type/..."})
    storage_state: str = field(default="", metadata={
        "description": "Path of a Playwright storage-state JSON to start from (e.g. logged-in cookies)."})
    screenshots_dir: str = field(default="", metadata={
        "description": "Save a screenshot after every action under this directory (for reports)."})
    read_tools: list[str] = field(default_factory=list, metadata={
        "description": "Extra read-only tools from langchain-community: extract_text, extract_hyperlinks."})
    close_browser_at_end: bool = field(default=True, metadata={
        "description": "Close the episode's browser when it ends (evaluators turn this off to inspect it)."})

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise ContextError(f"mode must be one of {', '.join(MODES)}, not {self.mode!r}")
        for name in ("max_steps", "observation_tokens", "loop_limit", "history_window"):
            if int(getattr(self, name)) < 1:
                raise ContextError(f"{name} must be at least 1")
        if self.max_invalid_outputs < 0:
            raise ContextError("max_invalid_outputs must not be negative")
        unknown = set(self.read_tools) - {"extract_text", "extract_hyperlinks"}
        if unknown:
            raise ContextError(f"unknown read_tools: {', '.join(sorted(unknown))}")

    def model_for(self, role: Role) -> tuple[str, str]:
        """The (model string, base URL) a role uses."""
        if role == "planner":
            return self.planner_model, self.planner_base_url or self.base_url
        if role == "executor":
            return self.executor_model, self.executor_base_url or self.base_url
        return self.replanner_model or self.planner_model, (
            self.replanner_base_url or self.planner_base_url or self.base_url)

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> "Context":
        """Build from a dict that may hold other keys too (LangGraph's `configurable` carries thread ids)."""
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in values.items() if k in names})


def settings(runtime: Runtime[Context] | None, config: Mapping[str, Any] | None = None) -> Context:
    """The run's Context, whichever way the caller passed it: `context=` (LangGraph >= 0.6), the legacy
    `configurable` mapping (the LangGraph API mirrors one into the other), or nothing (defaults)."""
    context = runtime.context if runtime is not None else None
    if isinstance(context, Context):
        return context
    if isinstance(context, Mapping):
        return Context.from_mapping(context)
    configurable = (config or {}).get("configurable", {}) if config else {}
    return Context.from_mapping(configurable)
