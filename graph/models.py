"""Role -> chat model, from `init_chat_model` strings, so a real model is one setting away.

`openai:gpt-4o-mini`, `anthropic:claude-…`, `ollama:llama3.1`, or any model behind an OpenAI-compatible server
(`openai:<name>` plus `base_url`) load through LangChain's `init_chat_model`. Policies that are not remote models
(scripted test doubles, the reference-solution oracle) register a provider prefix here and are chat models too,
so the graph never asks "is this a fake?".
"""

from __future__ import annotations

import asyncio
import importlib
import logging
import os
import threading
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage

from graph.context import Context
from graph.state import Role, RoleUsage

log = logging.getLogger(__name__)


class ModelConfigError(RuntimeError):
    """A model that cannot be built (unknown provider, missing package, missing API key); says how to fix it."""


@dataclass(frozen=True)
class ModelRequest:
    spec: str  # the whole string, e.g. "openai:gpt-4o-mini"
    name: str  # the part after the provider prefix
    base_url: str
    temperature: float
    role: Role


ProviderFactory = Callable[[ModelRequest], BaseChatModel]
_providers: dict[str, ProviderFactory] = {}
# Modules that register providers when imported; tried lazily when a prefix is unknown, so a server that
# only loads graph/builder.py can still resolve "scripted:" / "reference:" / "oracle:" strings.
PROVIDER_PLUGINS = ("policies.providers",)
# Remote models are cached per event loop: their async HTTP clients keep connections that belong to the loop that
# opened them, so a model built under one `asyncio.run` fails under the next ("Event loop is closed").
_cache: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[tuple[Any, ...], BaseChatModel]] = \
    weakref.WeakKeyDictionary()
_no_loop_cache: dict[tuple[Any, ...], BaseChatModel] = {}
_cache_lock = threading.Lock()
_OPENAI_CLIENTS = ("openai", "azure_openai")

# Environment variables that hold each provider's key (for the "missing key" message).
_KEY_VARIABLES = {
    "openai": "OPENAI_API_KEY", "anthropic": "ANTHROPIC_API_KEY", "google_genai": "GOOGLE_API_KEY",
    "mistralai": "MISTRAL_API_KEY", "groq": "GROQ_API_KEY", "together": "TOGETHER_API_KEY",
    "fireworks": "FIREWORKS_API_KEY", "deepseek": "DEEPSEEK_API_KEY", "xai": "XAI_API_KEY",
}


def register_provider(prefix: str, factory: ProviderFactory) -> None:
    """Make `prefix:<name>` model strings build with `factory` (for policies that are not remote models)."""
    _providers[prefix] = factory


def _provider_of(spec: str) -> tuple[str, str]:
    prefix, sep, name = spec.partition(":")
    return (prefix, name) if sep else ("", spec)


def _registered(prefix: str) -> ProviderFactory | None:
    if prefix in _providers:
        return _providers[prefix]
    for module in PROVIDER_PLUGINS:
        try:
            importlib.import_module(module)
        except ImportError as exc:
            log.debug("model provider plugin %s is not installed (%s)", module, exc)
            continue
    return _providers.get(prefix)


def load_chat_model(spec: str, *, base_url: str = "", temperature: float = 0.0, role: Role = "executor",
                    **options: Any) -> BaseChatModel:
    """A chat model for a role. Cached per (spec, base_url, temperature, options): clients are reused across steps.
    `options` go to `init_chat_model` for remote models (e.g. `max_retries=0` for a caller that retries itself,
    `timeout=`); registered providers ignore them."""
    spec = spec.strip()
    if not spec:
        raise ModelConfigError(f"no {role} model given: pass a model string such as openai:gpt-4o-mini")
    prefix, name = _provider_of(spec)
    factory = _registered(prefix)
    if factory is not None:
        return factory(ModelRequest(spec=spec, name=name, base_url=base_url, temperature=temperature, role=role))
    key = (spec, base_url, temperature, tuple(sorted(options.items())))
    try:
        loop: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
    except RuntimeError:
        loop = None
    with _cache_lock:
        models = _no_loop_cache if loop is None else _cache.setdefault(loop, {})
        if key not in models:
            models[key] = _init_remote(spec, prefix, base_url, temperature, role, options)
        return models[key]


def _init_remote(spec: str, prefix: str, base_url: str, temperature: float, role: Role,
                 options: dict[str, Any]) -> BaseChatModel:
    from langchain.chat_models import init_chat_model

    kwargs: dict[str, Any] = {"temperature": temperature}
    if prefix in _OPENAI_CLIENTS or (not prefix and base_url):
        # Streamed answers (`stream_mode="messages"` on the LangGraph API) carry token usage only when asked for.
        kwargs["stream_usage"] = True
        # langchain-openai otherwise shares one process-wide async HTTP client, bound to the first event loop.
        kwargs["http_async_client"] = _async_http_client()
    kwargs.update(options)  # the user's model options win
    if base_url:
        kwargs["base_url"] = base_url
        if prefix in ("openai", "") and not os.environ.get("OPENAI_API_KEY"):
            # Local OpenAI-compatible servers (vLLM, Ollama, llama.cpp) ignore the key but the client wants one.
            kwargs["api_key"] = "not-needed"
    variable = _KEY_VARIABLES.get(prefix)
    if variable and not base_url and not os.environ.get(variable):
        raise ModelConfigError(
            f"the {role} model {spec!r} needs an API key: set {variable} in the environment "
            f"(or point --base-url at an OpenAI-compatible server)")
    try:
        return init_chat_model(spec, **kwargs)
    except ImportError as exc:
        raise ModelConfigError(f"the {role} model {spec!r} needs a package that is not installed: {exc}") from exc
    except ValueError as exc:
        raise ModelConfigError(f"cannot build the {role} model {spec!r}: {exc}") from exc
    except Exception as exc:  # provider SDKs raise their own types for bad settings
        raise ModelConfigError(f"cannot build the {role} model {spec!r}: {exc}") from exc


def _async_http_client() -> Any:
    import openai

    return openai.DefaultAsyncHttpxClient()  # the OpenAI SDK's own defaults (timeouts, connection limits)


def model_for_role(context: Context, role: Role) -> BaseChatModel:
    spec, base_url = context.model_for(role)
    return load_chat_model(spec, base_url=base_url, temperature=context.temperature, role=role)


def usage_of(message: AIMessage, role: Role) -> dict[str, RoleUsage]:
    """The token counts of one call, keyed by role, for the state's `usage` reducer."""
    meta: dict[str, Any] = dict(message.usage_metadata or {})
    return {role: {"input_tokens": int(meta.get("input_tokens", 0)),
                   "output_tokens": int(meta.get("output_tokens", 0)), "calls": 1}}
