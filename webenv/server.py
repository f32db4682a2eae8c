"""Start and stop isolated copies of the embedded web environment.

Each `Environment` gets its own copy of every site database and its own free loopback ports, so episodes run
in parallel and a write in one (a cart, a post, a price) is invisible to every other. Seed databases are built
once per seed version into a cache and copied per environment: copying a file is milliseconds, re-seeding
is not.
"""

from __future__ import annotations

import hashlib
import importlib
import inspect
import os
import shutil
import socket
import tempfile
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from webenv.auth import login_cookies, storage_state
from webenv.serving import ServerGroup, bind_loopback_socket, serve_apps
from webenv.sites import SiteSpec, all_specs
from webenv.sites.common import SiteContext

_build_lock = threading.Lock()


def cache_dir() -> Path:
    root = os.environ.get("PLAN_AND_ACT_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "plan-and-act"
    )
    path = Path(root) / "webenv"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _seed_fingerprint(spec: SiteSpec) -> str:
    """Changes whenever anything the seed could depend on changes — any code or data file of the site's
    package (a seed imports helpers: distance formulas, category tables) — or its declared version, so a
    stale cached database is never used. Templates and static files do not count. The site's package is the
    one holding the module `build_database` names as its `__module__` (a lazy stand-in names its target's)."""
    package_dir = Path(inspect.getfile(importlib.import_module(spec.build_database.__module__))).parent
    digest = hashlib.sha256(spec.seed_version.encode())
    add_sources(digest, package_dir)
    return digest.hexdigest()[:16]


def add_sources(digest: Any, root: Path, label: str = "") -> None:
    """Feed every code and data file under `root` (not templates, static files or bytecode) into `digest`:
    what a cached build from that code — a seed database, generated task configs — depends on."""
    for source in sorted(root.rglob("*")):
        relative = source.relative_to(root).as_posix()
        if (source.is_file() and source.suffix in {".py", ".sql", ".json", ".csv", ".txt"}
                and not relative.startswith(("templates/", "static/")) and "__pycache__" not in relative):
            digest.update(f"{label}{relative}".encode() + b"\0" + source.read_bytes())


def template_database(spec: SiteSpec) -> Path:
    """The cached, pristine seed database for a spec (built on first use; safe across threads/processes)."""
    target = cache_dir() / f"{spec.database}-{_seed_fingerprint(spec)}.sqlite"
    if target.exists():
        return target
    with _build_lock:
        if not target.exists():
            fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".building")
            os.close(fd)
            os.unlink(tmp)
            spec.build_database(Path(tmp))
            os.replace(tmp, target)  # atomic: a concurrent process sees either nothing or the whole file
    return target


@dataclass
class Environment:
    """A running, isolated copy of the sites. Use as a context manager, or call `stop()`."""

    specs: list[SiteSpec]
    urls: dict[str, str]  # site name -> base URL, e.g. {"shopping": "http://127.0.0.1:41234"}
    db_paths: dict[str, Path]  # database stem -> this environment's private copy
    workdir: Path
    _servers: ServerGroup = field(repr=False)

    @property
    def placeholders(self) -> dict[str, str]:
        """WebArena placeholders (`__SHOPPING__` ...) mapped to this environment's URLs."""
        return {spec.placeholder: self.urls[spec.name] for spec in self.specs}

    def spec(self, site: str) -> SiteSpec:
        for spec in self.specs:
            if spec.name == site:
                return spec
        raise KeyError(f"no site named {site!r} in this environment (have: {', '.join(self.urls)})")

    def storage_state(self, sites: Iterable[str]) -> dict[str, Any]:
        """A Playwright storage state logged in to each listed site with its default account."""
        cookies: list[dict[str, Any]] = []
        for site in sites:
            spec = self.spec(site)
            cookies.extend(login_cookies(spec, self.urls[site]))
        return storage_state(cookies)

    def reset(self) -> None:
        """Every database back to its seed while the servers keep running, so one environment can serve episode
        after episode (a Ray worker's) as if each had a fresh one. Call it only between episodes: every request
        opens its own short-lived connection, so none is holding the old file then. Sessions are cookies in the
        episode's own browser and end with it."""
        for spec in self.specs:
            path = self.db_paths[spec.database]
            for leftover in ("-journal", "-wal", "-shm"):
                path.with_name(path.name + leftover).unlink(missing_ok=True)
            partial = path.with_name(path.name + ".reset")
            shutil.copyfile(template_database(spec), partial)
            os.replace(partial, path)

    def stop(self) -> None:
        self._servers.stop()
        shutil.rmtree(self.workdir, ignore_errors=True)

    def __enter__(self) -> Environment:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


class PortUnavailable(RuntimeError):
    """A fixed port asked for a site cannot be bound (in use, or privileged); the message says which."""


def _bind_all(specs: list[SiteSpec], ports: Mapping[str, int]) -> dict[str, socket.socket]:
    """One listening socket per site: its fixed port if one is given, else a free one. All or nothing."""
    sockets: dict[str, socket.socket] = {}
    try:
        for spec in specs:
            port = int(ports.get(spec.name, 0))
            try:
                sockets[spec.name] = bind_loopback_socket(port)
            except OSError as exc:
                raise PortUnavailable(f"cannot serve {spec.name} on 127.0.0.1:{port}: {exc.strerror or exc}") from exc
    except BaseException:
        for sock in sockets.values():
            sock.close()
        raise
    return sockets


def start_environment(sites: Iterable[str] | None = None, ports: Mapping[str, int] | None = None) -> Environment:
    """Fresh databases, all (or the named) sites serving on 127.0.0.1: on the ports given per site name, the
    others on free ports (a busy fixed port raises `PortUnavailable` before anything is left running)."""
    wanted = set(sites) if sites is not None else None
    specs = [spec for spec in all_specs() if wanted is None or spec.name in wanted]
    if wanted is not None and (missing := wanted - {spec.name for spec in specs}):
        raise KeyError(f"unknown site(s): {', '.join(sorted(missing))}")
    if ports and (strangers := set(ports) - {spec.name for spec in specs}):
        raise KeyError(f"ports given for site(s) not started: {', '.join(sorted(strangers))}")
    # Ports are bound first (before any file is copied), so every app can be told every site's URL.
    sockets = _bind_all(specs, ports or {})
    workdir = Path(tempfile.mkdtemp(prefix="webenv-"))
    db_paths: dict[str, Path] = {}
    try:
        for spec in specs:
            if spec.database not in db_paths:
                db_paths[spec.database] = workdir / f"{spec.database}.sqlite"
                shutil.copyfile(template_database(spec), db_paths[spec.database])
        urls = {name: f"http://127.0.0.1:{sock.getsockname()[1]}" for name, sock in sockets.items()}
        apps = {
            spec.name: spec.create_app(SiteContext(db_path=db_paths[spec.database], urls=urls)) for spec in specs
        }
        servers = serve_apps(apps, sockets=sockets)
    except BaseException:
        for sock in sockets.values():
            sock.close()
        shutil.rmtree(workdir, ignore_errors=True)
        raise
    return Environment(specs=specs, urls=urls, db_paths=db_paths, workdir=workdir, _servers=servers)
