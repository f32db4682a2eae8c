"""SIGTERM stops a command the way Ctrl-C does.

Job schedulers, `docker stop`, systemd and a plain `kill` send SIGTERM, whose default ends the process at once: a
sweep then left its sites' fresh databases in a temporary directory and printed nothing about what had finished. Run
through the SIGINT handler instead, SIGTERM cancels the running work (asyncio's handler cancels the main task), every
`finally` runs (browsers closed, sites stopped, their databases removed), and the command ends through its Ctrl-C
path: results kept, a line saying how to resume, exit status 130.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType


def _on_sigterm(_signum: int, frame: FrameType | None) -> None:
    handler = signal.getsignal(signal.SIGINT)
    if callable(handler):  # asyncio's (cancels the main task) or Python's default (raises KeyboardInterrupt)
        handler(signal.SIGINT, frame)
    else:  # SIGINT ignored, as in a background job: SIGTERM must still stop the command
        raise KeyboardInterrupt


@contextmanager
def sigterm_interrupts() -> Iterator[None]:
    """Around a command's work; the process's own SIGTERM handling is back afterwards (a command can be run
    in-process, by a test or an application). Only the main thread can own signals: elsewhere nothing changes."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
