"""Where the pipeline's tasks come from, and which tasks it must never train on — in one switchable place.

`collect` runs over the embedded suite's training split by default; `export` proves that no intent of the test
split appears in what it writes. Suites without splits (before the training pool existed) have no held-out
tasks: then every task is a training task and `has_splits()` says so, so manifests can warn about it.
"""

from __future__ import annotations

import inspect
from functools import lru_cache

from webenv.tasks import suite
from webenv.tasks.suite import EmbeddedTask

TRAIN, TEST = "train", "test"


def has_splits() -> bool:
    return "split" in inspect.signature(suite.load_suite).parameters


def tasks(split: str = TRAIN) -> tuple[EmbeddedTask, ...]:
    """The embedded tasks of a split (the whole suite when the suite has no splits)."""
    if has_splits():
        return suite.load_suite(split=split)  # type: ignore[call-arg]
    return suite.load_suite()


def split_of(task: EmbeddedTask) -> str:
    return str(getattr(task, "split", TRAIN if not has_splits() else TEST))


@lru_cache(maxsize=1)
def held_out_intents() -> frozenset[str]:
    """Intents of the test split, normalised (what exported training data must not contain)."""
    if not has_splits():
        return frozenset()
    return frozenset(" ".join(task.config.intent.lower().split()) for task in tasks(TEST))


def is_held_out(intent: str) -> bool:
    return " ".join(intent.lower().split()) in held_out_intents()
