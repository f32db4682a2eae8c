"""A scripted teacher behind the loopback OpenAI-compatible server.

Rules match a request by a phrase of its first user message (the stage's prompt); each rule replays its replies
in order and repeats the last one, so a test can make the teacher answer badly first (malformed JSON, wrong
index groups, a refusal, a 429 or a 500) and then well. Correction rounds are requests too: they match the same
rule and take its next reply. Every request is counted per rule.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage

from tests.support import openai_server
from tests.support.openai_server import Delay, Fault
from webenv.serving import serve_apps

Reply = str | Fault | Delay | Callable[[list[BaseMessage]], "str | Fault | Delay"]


@dataclass
class Rule:
    phrase: str
    replies: list[Reply]
    asked: int = 0


@dataclass
class TeacherScript:
    rules: list[Rule] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def when(self, phrase: str, *replies: Reply) -> TeacherScript:
        self.rules.append(Rule(phrase, list(replies)))
        return self

    def asked(self, phrase: str) -> int:
        return sum(rule.asked for rule in self.rules if rule.phrase == phrase)

    def __call__(self, messages: list[BaseMessage]) -> AIMessage | Fault | Delay:
        first_user = next((str(m.content) for m in messages if isinstance(m, HumanMessage)), "")
        with self.lock:
            for rule in self.rules:
                if rule.phrase in first_user:
                    reply = rule.replies[min(rule.asked, len(rule.replies) - 1)]
                    rule.asked += 1
                    break
            else:
                self.unmatched.append(first_user[:200])
                return Fault(400, "no scripted reply matches this request")
        if callable(reply) and not isinstance(reply, (Fault, Delay)):
            reply = reply(messages)
        if isinstance(reply, (Fault, Delay)):
            return reply
        return AIMessage(content=str(reply))


@contextmanager
def serve_teacher(script: Callable[[list[BaseMessage]], Any]) -> Iterator[tuple[str, openai_server.CompletionLog]]:
    """(base URL ending in /v1, the server's log) for a teacher answering from `script`."""
    log = openai_server.CompletionLog()
    group = serve_apps({"teacher": openai_server.create_app(script, log)})
    try:
        yield group.urls["teacher"] + "/v1", log
    finally:
        group.stop()
