"""A Ray head of the test's own, on loopback only, stopped by its process group (never `ray stop`, which stops
every Ray process on the machine, other people's included).

Ray by default listens on every interface, picks its ports itself and writes an auth token; here every port is
chosen, the node address is 127.0.0.1, auth and usage reporting are off, the object store is small, and the
session files go to the test's own temporary directory.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psutil

from tests.support.ports import unused_port

RAY_ENV = {"RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0", "RAY_AUTH_MODE": "disabled", "RAY_USAGE_STATS_ENABLED": "0",
           # the agent's registration wait (it does NOT cover the raylet's ~20 s wait for the agent's port file,
           # which is not configurable: under a load average above ~100 every start failed that way)
           "RAY_agent_register_timeout_ms": "120000"}
# `ray start` gives the raylet fixed waits (agent port file ~20 s, registration 30 s): on a busy machine a start can
# fail, and a fresh start is the only remedy.
START_ATTEMPTS = 3
READY = "Ray runtime started"


@dataclass(frozen=True)
class RayHead:
    address: str
    env: dict[str, str]  # the environment a driver needs: RAY_ADDRESS and the settings above
    pid: int
    tmp: Path  # the workers' TMPDIR: what they leave there is visible to a test, and removed with the head
    ray_dir: Path  # Ray's own --temp-dir (sockets, logs), removed with the head

    def processes(self) -> list[psutil.Process]:
        """Every live process of this head's session (GCS, raylet, workers): the ones this test started."""
        found = []
        for process in psutil.process_iter():
            try:
                if os.getsid(process.pid) == self.pid:
                    found.append(process)
            except (ProcessLookupError, PermissionError, psutil.Error):
                continue
        return found


def _ports(count: int) -> list[int]:
    ports: set[int] = set()
    while len(ports) < count:
        ports.add(unused_port())
    return sorted(ports)


@contextmanager
def local_ray_head(cpus: int = 2, timeout: float = 180.0) -> Iterator[RayHead]:
    failures = []
    for _ in range(START_ATTEMPTS):
        try:
            head, process = _start(cpus, timeout)
        except HeadDidNotStart as exc:
            failures.append(str(exc))
            continue
        try:
            yield head
        finally:
            stop(head, process)
        return
    raise RuntimeError(f"the Ray head did not start in {START_ATTEMPTS} attempts:\n" + "\n".join(failures))


class HeadDidNotStart(RuntimeError):
    pass


def _start(cpus: int, timeout: float) -> tuple[RayHead, subprocess.Popen[str]]:
    ray = Path(sys.executable).parent / "ray"
    port, node_manager, object_manager, agent, agent_grpc, runtime_env, metrics, client, *workers = _ports(24)
    # Both short: Ray's and Chromium's socket paths must fit in 107 bytes.
    temp_dir = tempfile.mkdtemp(prefix="ray-", dir="/tmp")
    workers_tmp = Path(tempfile.mkdtemp(prefix="rayw-", dir="/tmp"))
    env = {**os.environ, **RAY_ENV, "TMPDIR": str(workers_tmp)}
    command = [str(ray), "start", "--head", "--block", "--node-ip-address", "127.0.0.1", "--port", str(port),
               "--num-cpus", str(cpus), "--object-store-memory", str(100 * 1024 * 1024),
               "--include-dashboard", "false", "--disable-usage-stats", "--temp-dir", temp_dir,
               "--node-manager-port", str(node_manager), "--object-manager-port", str(object_manager),
               "--dashboard-agent-listen-port", str(agent), "--dashboard-agent-grpc-port", str(agent_grpc),
               "--runtime-env-agent-port", str(runtime_env), "--metrics-export-port", str(metrics),
               "--ray-client-server-port", str(client), "--worker-port-list", ",".join(map(str, workers))]
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               start_new_session=True)
    head = RayHead(f"127.0.0.1:{port}", {**env, "RAY_ADDRESS": f"127.0.0.1:{port}"}, process.pid, workers_tmp,
                   Path(temp_dir))
    output: list[str] = []
    ready = threading.Event()

    def read() -> None:  # the head's output, until it says it is up (and drained afterwards so it never blocks)
        assert process.stdout is not None
        for line in process.stdout:
            output.append(line)
            if READY in line:
                ready.set()
        ready.set()

    threading.Thread(target=read, daemon=True).start()
    if not ready.wait(timeout) or process.poll() is not None:
        stop(head, process)
        raise HeadDidNotStart("".join(output[-15:]))
    return head, process


def stop(head: RayHead, process: subprocess.Popen[str]) -> None:
    """Stop this head's session only: its process group, then anything of its session still alive."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        pass
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
    leftovers = head.processes()
    for leftover in leftovers:
        leftover.kill()
    psutil.wait_procs(leftovers, timeout=30)
    for directory in (head.tmp, head.ray_dir):  # workers killed on purpose (a lost-worker test) leave their files
        shutil.rmtree(directory, ignore_errors=True)
