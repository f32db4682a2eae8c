"""`plan-and-act-bench serve`: the embedded sites, up until Ctrl-C, for a person, a real model or WebArena's own
tools to use.

    plan-and-act-bench serve                        # every site on a free port
    plan-and-act-bench serve --port-base 8080       # shopping 8080, shopping_admin 8081, reddit 8082, ...
    plan-and-act-bench serve --reddit-port 9999 --sites reddit,gitlab

It prints each site's URL, WebArena placeholder and login, and writes a Playwright storage state logged in to
every site that has a login (give it to `plan-and-act run --storage-state`, as WebArena starts its `require_login`
tasks). Databases are fresh copies of the seed, so every start is a reset. Ctrl-C (or SIGTERM) stops the servers,
removes the copies and exits 0; nothing is left listening.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from webenv.server import Environment, PortUnavailable, start_environment
from webenv.sites import SiteSpec, all_specs

DEFAULT_STORAGE_STATE = Path(".plan_and_act") / "serve" / "storage_state.json"
_STOP_SIGNALS = {signal.SIGINT, signal.SIGTERM}


def _port_flag(site: str) -> str:
    return f"--{site.replace('_', '-')}-port"


def add_serve_command(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    serve = commands.add_parser("serve", help="start the embedded sites and keep them up until Ctrl-C",
                                description=(__doc__ or "").split("\n\n")[0])
    serve.add_argument("--port-base", type=int, default=0,
                       help="fixed ports: the sites in the order " + ", ".join(s.name for s in all_specs())
                            + " get this port and the next ones (default: free ports)")
    for spec in all_specs():
        serve.add_argument(_port_flag(spec.name), type=int, default=0, dest=f"port_{spec.name}",
                           help=f"fixed port for {spec.name} (beats --port-base)")
    serve.add_argument("--sites", default="", help="only these sites, comma-separated (default: all)")
    serve.add_argument("--storage-state", default=str(DEFAULT_STORAGE_STATE),
                       help="where to write the logged-in Playwright storage state (default %(default)s)")
    serve.add_argument("--json", default="", help="also write the URLs, logins and storage-state path here")
    serve.set_defaults(handler=cmd_serve)


def wanted_ports(args: argparse.Namespace, specs: list[SiteSpec]) -> dict[str, int]:
    """site -> fixed port: per-site flags first, then --port-base by the site's place in the full list (so a
    site keeps its port whichever others are started); sites with neither get a free port."""
    order = [spec.name for spec in all_specs()]
    ports: dict[str, int] = {}
    for spec in specs:
        port = getattr(args, f"port_{spec.name}", 0) or (args.port_base + order.index(spec.name) if args.port_base
                                                        else 0)
        if port:
            ports[spec.name] = port
    return ports


def _sites(args: argparse.Namespace) -> list[SiteSpec]:
    names = [name.strip() for name in args.sites.split(",") if name.strip()]
    specs = all_specs()
    unknown = sorted(set(names) - {spec.name for spec in specs})
    if unknown:
        raise SystemExit(f"error: unknown site(s) {', '.join(unknown)}; the sites are "
                         f"{', '.join(spec.name for spec in specs)}")
    return [spec for spec in specs if not names or spec.name in names]


def description(env: Environment, storage_state: Path) -> dict[str, Any]:
    """What a client needs to use the running sites: URL, placeholder and default login per site."""
    sites = {}
    for spec in env.specs:
        login = None
        if spec.login is not None and spec.accounts:
            login = {"username": spec.accounts[0].username, "password": spec.accounts[0].password}
        sites[spec.name] = {"url": env.urls[spec.name], "placeholder": spec.placeholder, "login": login}
    return {"sites": sites, "storage_state": str(storage_state.absolute())}


def _lines(described: dict[str, Any]) -> list[str]:
    sites = described["sites"]
    width = max(len(name) for name in sites) + 2
    lines = ["embedded WebArena sites on 127.0.0.1 (fresh databases; Ctrl-C stops them)", ""]
    for name, site in sites.items():
        login = site["login"]
        who = f"{login['username']} / {login['password']}" if login else "(no login)"
        lines.append(f"{name:<{width}}{site['url']:<26}{site['placeholder']:<22}{who}")
    logged_in = [name for name, site in sites.items() if site["login"]]
    lines += ["", f"storage state (logged in to {', '.join(logged_in) or 'no site'}): {described['storage_state']}"]
    site_flags = " ".join(f"--site {site['placeholder']}={site['url']}" for site in sites.values())
    lines.append(f"WebArena configs: plan-and-act-bench webarena CONFIGS.json {site_flags} --model MODEL")
    first = next(iter(sites.values()))
    lines.append(f'a real model: plan-and-act run "TASK" --start-url {first["url"]}/ '
                 f"--storage-state {described['storage_state']} --planner-model openai:gpt-4o "
                 "--executor-model openai:gpt-4o-mini")
    return lines


def cmd_serve(args: argparse.Namespace) -> int:
    specs = _sites(args)
    ports = wanted_ports(args, specs)
    # Blocked before the server threads start (they inherit the mask), so the stop signals arrive only where
    # sigwait below takes them: a Ctrl-C during start-up is kept and handled once the sites are up.
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, _STOP_SIGNALS)
    try:
        return _serve(args, specs, ports)
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _serve(args: argparse.Namespace, specs: list[SiteSpec], ports: dict[str, int]) -> int:
    try:
        env = start_environment([spec.name for spec in specs], ports)
    except PortUnavailable as exc:
        print(f"error: {exc}; choose other ports (--port-base, {_port_flag(specs[0].name)}, ...)", file=sys.stderr)
        return 2
    try:
        storage_state = Path(args.storage_state)
        storage_state.parent.mkdir(parents=True, exist_ok=True)
        storage_state.write_text(json.dumps(env.storage_state([s.name for s in env.specs if s.login]), indent=2))
        described = description(env, storage_state)
        if args.json:
            Path(args.json).write_text(json.dumps(described, indent=2))
        for line in _lines(described):
            print(line)
        print("serving; press Ctrl-C to stop", flush=True)
        received = signal.sigwait(_STOP_SIGNALS)
    finally:
        env.stop()
    print(f"stopped ({signal.Signals(received).name}): the sites are down and their databases removed", flush=True)
    return 0


class ServedSites:
    """The embedded sites in a child `serve` process, as a client of real WebArena sees them: their page
    rendering and databases run on their own interpreter, not under the agent's GIL. Use as a context manager;
    leaving it sends the child SIGTERM (by its id) and waits for it, so nothing is left listening."""

    def __init__(self, sites: list[str]) -> None:
        self._dir = tempfile.TemporaryDirectory(prefix="served-sites-")
        workdir = Path(self._dir.name)
        # stderr goes to a file: a pipe nobody reads would fill up and stall the servers
        self._log = (workdir / "serve.log").open("w")
        self._process = subprocess.Popen(
            [sys.executable, "-m", "bench.cli", "serve", "--sites", ",".join(sites), "--json",
             str(workdir / "sites.json"), "--storage-state", str(workdir / "storage_state.json")],
            stdout=subprocess.PIPE, stderr=self._log, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
        assert self._process.stdout is not None
        if not any(line.startswith("serving;") for line in self._process.stdout):
            why = (workdir / "serve.log").read_text().strip()[-2000:]
            self.stop()
            raise RuntimeError(f"serve exited before the sites were up: {why}")
        self.description: dict[str, Any] = json.loads((workdir / "sites.json").read_text())

    @property
    def placeholders(self) -> dict[str, str]:
        return {site["placeholder"]: site["url"] for site in self.description["sites"].values()}

    @property
    def storage_state_path(self) -> str:
        """Logged in to every site that has a login."""
        return str(self.description["storage_state"])

    def stop(self) -> None:
        if self._process.poll() is None:
            self._process.terminate()
        self._process.wait(timeout=30)
        if self._process.stdout is not None:
            self._process.stdout.close()
        self._log.close()
        self._dir.cleanup()

    def __enter__(self) -> ServedSites:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()
