"""`plan-and-act serve-model` in a subprocess on a free loopback port, for tests that talk to a trained model."""

from __future__ import annotations

import os
import select
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.support.ports import unused_port

PLAN_AND_ACT = str(Path(sys.executable).parent / "plan-and-act")  # the installed console script


def _ready_url(process: subprocess.Popen, log: Path, deadline_s: float) -> str:
    """The URL from the server's ready line, printed once its socket is bound (so it accepts at once). Reads the
    raw pipe (no buffered reader, so select never misses lines already read)."""
    assert process.stderr is not None
    fd = process.stderr.fileno()
    deadline = time.monotonic() + deadline_s
    output = b""
    while time.monotonic() < deadline:
        readable, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
        chunk = os.read(fd, 65536) if readable else b""
        if not chunk:  # timed out, or the process ended before it was ready
            break
        output += chunk
        for line in output.decode(errors="replace").splitlines():
            if line.startswith("serving ") and " at http" in line:
                log.write_bytes(output)
                return line.split(" at ", 1)[1].split()[0]
    log.write_bytes(output)
    raise RuntimeError(f"serve-model did not start (exit code {process.poll()}); its output: "
                       f"{output.decode(errors='replace')[-2000:]}")


@contextmanager
def model_servers(models: dict[str, tuple[Path, tuple[str, ...]]], logs: Path, *, deadline_s: float = 240
                  ) -> Iterator[dict[str, str]]:
    """Start one server per entry (name -> (model directory, extra serve-model options)) side by side; yields
    name -> base URL (ending in /v1) once all are up, and stops them (by their pids) on exit."""
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "HF_HUB_DISABLE_UPDATE_CHECK": "1"}
    processes = {name: subprocess.Popen([PLAN_AND_ACT, "serve-model", str(model_dir), "--port", str(unused_port()),
                                         *options], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.PIPE, bufsize=0, env=env)
                 for name, (model_dir, options) in models.items()}
    try:
        urls = {name: _ready_url(process, logs / f"{name}.log", deadline_s) for name, process in processes.items()}
        for name, process in processes.items():
            threading.Thread(target=_drain, args=(process, logs / f"{name}.log"), daemon=True).start()
        yield urls
    finally:
        for process in processes.values():
            process.terminate()
        for process in processes.values():
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=30)


def _drain(process: subprocess.Popen, log: Path) -> None:
    """Keep the pipe from filling up; keep what the server says, for debugging."""
    assert process.stderr is not None
    with log.open("ab") as sink:
        while chunk := os.read(process.stderr.fileno(), 65536):
            sink.write(chunk)
