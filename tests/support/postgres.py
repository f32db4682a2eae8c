"""A PostgreSQL server of its own for a test: Debian's binaries, a fresh cluster in a temporary directory,
listening on 127.0.0.1 only, stopped (by its own pid file, with pg_ctl) when the test is done.

initdb refuses to run as root, and CI runs as root: then the cluster belongs to the `postgres` system user the
Debian package creates, and the binaries run as that user.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.support.ports import unused_port


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL server binaries on this machine (scripts/setup.sh installs Debian's package)."""


def server_binary(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
                        key=lambda path: int(Path(path).parts[-3]) if Path(path).parts[-3].isdigit() else 0)
    if not candidates:
        raise PostgresUnavailable(f"{name} not found: install Debian's postgresql package (scripts/setup.sh does)")
    return candidates[-1]


@dataclass(frozen=True)
class Server:
    port: int
    data: Path

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres:test-password@127.0.0.1:{self.port}/{database}?sslmode=disable"


def _as_owner(command: list[str], owner: str | None) -> list[str]:
    return ["runuser", "-u", owner, "--", *command] if owner else command


@contextmanager
def postgres_server() -> Iterator[Server]:
    owner = "postgres" if os.geteuid() == 0 else None
    base = Path(tempfile.mkdtemp(prefix="plan-and-act-pg-"))
    data, sockets = base / "data", base / "sockets"
    sockets.mkdir()
    password_file = base / "password"
    password_file.write_text("test-password\n")
    if owner:
        record = pwd.getpwnam(owner)
        for path in (base, sockets, password_file):
            os.chown(path, record.pw_uid, record.pw_gid)
    port = unused_port()
    run = {"check": True, "capture_output": True, "text": True, "timeout": 120}
    subprocess.run(_as_owner([server_binary("initdb"), "-D", str(data), "-U", "postgres", "-A", "scram-sha-256",
                              "--pwfile", str(password_file), "-E", "UTF8", "--no-sync"], owner), **run)
    options = f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={sockets} -c fsync=off"
    subprocess.run(_as_owner([server_binary("pg_ctl"), "-D", str(data), "-o", options, "-l", str(base / "log"),
                              "-w", "-t", "60", "start"], owner), **run)
    try:
        yield Server(port=port, data=data)
    finally:
        subprocess.run(_as_owner([server_binary("pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"], owner),
                       capture_output=True, timeout=60)
        shutil.rmtree(base, ignore_errors=True)
