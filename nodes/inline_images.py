"""Images in prompts are file references until the last moment: this model wrapper inlines them.

`nodes.prompts` writes a screenshot into a message as a standard image block whose `url` is a `file:` URL, so
the messages in state, checkpoints and traces hold a path, never image bytes. Providers need the bytes, so the
wrapper swaps each file block for a base64 block *inside* its own `_agenerate`, below the point where LangChain
reports the call's inputs to tracers: the trace shows the reference, the provider gets the picture.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from langchain_core.callbacks import AsyncCallbackManagerForLLMRun, CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import BaseMessage
from langchain_core.outputs import ChatResult
from langchain_core.runnables import Runnable, RunnableBinding


def _inline_block(block: Any) -> Any:
    if not (isinstance(block, dict) and block.get("type") == "image" and str(block.get("url", "")).startswith("file:")):
        return block
    path = Path(unquote(urlsplit(block["url"]).path))
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    return {"type": "image", "base64": data, "mime_type": block.get("mime_type", "image/png")}


def inline_images(messages: Sequence[BaseMessage]) -> list[BaseMessage]:
    """The messages with every file-referenced image replaced by its bytes (base64)."""
    inlined = []
    for message in messages:
        if isinstance(message.content, list) and any(isinstance(b, dict) and b.get("type") == "image"
                                                     for b in message.content):
            message = message.model_copy(update={"content": [_inline_block(b) for b in message.content]})
        inlined.append(message)
    return inlined


class InlineImages(BaseChatModel):
    """Delegates to `inner` with file-referenced images inlined; everything else passes through."""

    inner: BaseChatModel

    @property
    def _llm_type(self) -> str:
        return f"inline-images:{self.inner._llm_type}"

    def bind_tools(self, tools: Sequence[Any], **kwargs: Any) -> Runnable:  # type: ignore[override]
        bound = self.inner.bind_tools(tools, **kwargs)
        if isinstance(bound, RunnableBinding) and bound.bound is self.inner:
            return self.bind(**bound.kwargs)  # the provider's tool kwargs, applied through this wrapper
        if isinstance(bound, BaseChatModel):
            return InlineImages(inner=bound)
        raise NotImplementedError(f"{type(self.inner).__name__}.bind_tools returned {type(bound).__name__}")

    def _generate(self, messages: list[BaseMessage], stop: list[str] | None = None,
                  run_manager: CallbackManagerForLLMRun | None = None, **kwargs: Any) -> ChatResult:
        return self.inner._generate(inline_images(messages), stop=stop, run_manager=run_manager, **kwargs)

    async def _agenerate(self, messages: list[BaseMessage], stop: list[str] | None = None,
                         run_manager: AsyncCallbackManagerForLLMRun | None = None, **kwargs: Any) -> ChatResult:
        return await self.inner._agenerate(inline_images(messages), stop=stop, run_manager=run_manager, **kwargs)
