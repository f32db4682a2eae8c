"""Judge prompts for WebArena's `fuzzy_match` checks, the parsing of a judge's reply, and an offline judge.

WebArena grades free-form answers with a language model in two ways: a *fuzzy* judge decides whether an
answer means the same as the reference answer, and an *unachievable* judge decides whether the reason an agent
gave for giving up agrees with why the task really cannot be done. Any LangChain chat model can be either.

The prompts put each part between tags (`<question>` ... `</question>`): a model reads that easily, and it
lets `OfflineJudge` — a deterministic stand-in used by the oracle sweep and the tests — read the same prompt
back without a model. The offline judge is NOT a language model: it says "correct" exactly when every reference
phrase occurs, as whole words, in the answer. That is right for answers copied from pages and wrong for
paraphrases, so scores produced with it are a lower bound on what a real judge would give.

Declaring a task unachievable has one form everywhere — the executor prompt asks for it, strict scoring accepts
it, and the offline unachievable judge agrees: the answer begins with "N/A", then gives the reason. The offline
judge cannot weigh a reason, so it accepts any reason in that form (and, as before, one that quotes the actual
reason); a real judge compares the reasons.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage
from langchain_core.outputs import ChatGeneration, ChatResult

from webenv.answer_text import starts_not_achievable
from webenv.eval_text import phrase_in_text

_SYSTEM = "You grade the results of tasks done on websites. Judge meaning, not wording, and answer tersely."

_FUZZY_INSTRUCTIONS = (
    "Grade a student's answer to a question about a website against the reference answer. The student may "
    "word, order or format things differently, or add detail; what matters is whether the answer means the "
    "same. The reference answer is the list of points below; a correct answer states every one of them and "
    "contradicts none. The text \"N/A\" means \"this task cannot be done\"."
)
_FUZZY_VERDICT = "Reply with one of: correct, incorrect, partially correct. Reply with nothing else."

_UNACHIEVABLE_INSTRUCTIONS = (
    "The task below cannot be done on the website, for the reason given as the actual reason. Someone tried "
    "it, gave up, and reported why. Decide whether the reported reason agrees with the actual reason, even if "
    "it says so only implicitly."
)
_UNACHIEVABLE_VERDICT = "Reply with one word: same (the reasons agree) or different (they do not)."


def _block(tag: str, text: str) -> str:
    return f"<{tag}>\n{text}\n</{tag}>"


def fuzzy_prompt(question: str, reference: list[str] | tuple[str, ...], answer: str) -> list[BaseMessage]:
    """Messages asking a judge whether `answer` covers every reference point."""
    points = "\n".join(f"<point>{point}</point>" for point in reference)
    body = "\n\n".join([
        _FUZZY_INSTRUCTIONS, _block("question", question), _block("reference_answer", points),
        _block("student_answer", answer), _FUZZY_VERDICT,
    ])
    return [SystemMessage(_SYSTEM), HumanMessage(body)]


def unachievable_prompt(task: str, actual_reason: str, reported_reason: str) -> list[BaseMessage]:
    """Messages asking a judge whether a reported reason for giving up matches the real one."""
    body = "\n\n".join([
        _UNACHIEVABLE_INSTRUCTIONS, _block("task", task), _block("actual_reason", actual_reason),
        _block("reported_reason", reported_reason), _UNACHIEVABLE_VERDICT,
    ])
    return [SystemMessage(_SYSTEM), HumanMessage(body)]


def parse_fuzzy_reply(reply: str) -> float | None:
    """1.0 for "correct", 0.0 for "incorrect" or "partially correct" (WebArena gives no partial credit),
    None when the reply says neither."""
    text = reply.lower()
    if "partially correct" in text or "incorrect" in text:
        return 0.0
    if "correct" in text:
        return 1.0
    return None


def parse_unachievable_reply(reply: str) -> float | None:
    """1.0 for "same", 0.0 for "different", None when the reply says neither."""
    text = reply.lower()
    if "different" in text:
        return 0.0
    if "same" in text:
        return 1.0
    return None


@dataclass(frozen=True)
class Verdict:
    """A judge's decision with its raw reply (reports show both)."""

    score: float
    reply: str
    understood: bool = True


async def ask_fuzzy(model: BaseChatModel, question: str, reference: list[str] | tuple[str, ...],
                    answer: str) -> Verdict:
    reply = (await model.ainvoke(fuzzy_prompt(question, reference, answer))).text
    score = parse_fuzzy_reply(reply)
    return Verdict(score or 0.0, reply, understood=score is not None)


async def ask_unachievable(model: BaseChatModel, task: str, actual_reason: str, reported_reason: str) -> Verdict:
    reply = (await model.ainvoke(unachievable_prompt(task, actual_reason, reported_reason))).text
    score = parse_unachievable_reply(reply)
    return Verdict(score or 0.0, reply, understood=score is not None)


def _tag(text: str, tag: str) -> str | None:
    """The content of the last `<tag>` block (the last, so an answer quoting a tag cannot spoof an earlier
    one)."""
    start = text.rfind(f"<{tag}>\n")
    end = text.rfind(f"\n</{tag}>")
    if start < 0 or end < start:
        return None
    return text[start + len(tag) + 3 : end]


def offline_verdict(prompt: str) -> str:
    """What `OfflineJudge` replies to one of this module's prompts: whole-word containment of every
    reference point in the answer (fuzzy); for unachievable tasks, "same" when the report is in the declared form
    ("N/A", then a reason) or quotes the actual reason."""
    actual = _tag(prompt, "actual_reason")
    if actual is not None:
        reported = _tag(prompt, "reported_reason") or ""
        agrees = starts_not_achievable(reported) or phrase_in_text(actual, reported)
        return "same" if agrees else "different"
    reference = _tag(prompt, "reference_answer")
    answer = _tag(prompt, "student_answer")
    if reference is None or answer is None:
        raise ValueError("OfflineJudge only understands the prompts built by webenv.judges")
    points = re.findall(r"<point>(.*?)</point>", reference, flags=re.DOTALL)
    return "correct" if all(phrase_in_text(point, answer) for point in points) else "incorrect"


class OfflineJudge(BaseChatModel):
    """A deterministic, model-free stand-in for a judge model (see the module docstring for what it can and
    cannot judge). It answers only the prompts of this module and raises on anything else."""

    @property
    def _llm_type(self) -> str:
        return "webenv-offline-judge"

    def _generate(self, messages: list[BaseMessage], stop: list[str] | None = None,
                  run_manager: CallbackManagerForLLMRun | None = None, **kwargs: Any) -> ChatResult:
        prompt = next((m.text for m in reversed(messages) if isinstance(m, HumanMessage)), "")
        return ChatResult(generations=[ChatGeneration(message=AIMessage(offline_verdict(prompt)))])
