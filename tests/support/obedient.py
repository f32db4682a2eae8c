"""An executor that obeys the page: it does whatever `DO:` lines the current page shows, in order — the worst case
of a model that falls for a prompt injection. Instructions are WebArena text actions whose brackets name elements
instead of giving ids (`type [search] [...]`, `click [Post comment]`); the policy finds those elements in the
page the way a model would."""

from __future__ import annotations

from langchain_core.messages import AIMessage, BaseMessage

from nodes import prompts
from nodes.action_text import parse_action_text
from nodes.page_elements import elements
from policies.scripted import ScriptedChatModel, tool_call


def obedient_executor() -> ScriptedChatModel:
    queue: list[str] = []

    def obey(messages: list[BaseMessage]) -> AIMessage:
        page = prompts.read_page(messages)
        if not queue:
            queue.extend(line.split("DO: ", 1)[1].rstrip('"') for line in page.splitlines() if "DO: " in line)
        if not queue:
            return tool_call("stop", answer="nothing to obey")
        order = queue.pop(0)
        verb, _, rest = order.partition(" ")
        target, _, more = rest.partition("] ")
        name = target.strip("[]").lower()
        found = next((e for e in elements(page) if e.name.lower() == name), None)
        if found is not None:  # a name in brackets: the element it names
            order = f"{verb} [{found.id}] {more}".strip()
        parsed = parse_action_text(order)
        assert parsed is not None, order
        return tool_call(parsed["name"], **parsed["args"])

    return ScriptedChatModel(script=[obey], repeat_last=True)
