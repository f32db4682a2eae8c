"""`plan-and-act-bench serve` as a person runs it: a subprocess that prints URLs and logins, writes a storage state
that logs a real browser in, and goes away cleanly on Ctrl-C or SIGTERM."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.support.ports import unused_port
from webenv.sites import all_specs

SITES = [spec.name for spec in all_specs()]
LINE = re.compile(r"^(\w+)\s+(http://127\.0\.0\.1:(\d+))\s+(__\w+__)\s+(.*)$")
# A page that sends anonymous visitors to the login form, and what a logged-in visitor sees there.
LOGGED_IN = {"shopping": ("/customer/account/", "Emma"), "shopping_admin": ("/", "Sign Out"),
             "reddit": ("/", "MarvelsGrantMan136"), "gitlab": ("/", "byteblaze")}


def serve(*args: str, cwd: Path) -> subprocess.Popen[str]:
    command = str(Path(sys.executable).parent / "plan-and-act-bench")
    return subprocess.Popen([command, "serve", *args], cwd=cwd, text=True, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env={**os.environ, "PYTHONUNBUFFERED": "1"})


def wait_until_serving(process: subprocess.Popen[str]) -> list[str]:
    """The lines printed before the ready line (the process is killed if it never gets there)."""
    assert process.stdout is not None
    lines = []
    for line in process.stdout:
        if line.startswith("serving;"):
            return lines
        lines.append(line.rstrip("\n"))
    process.kill()
    raise AssertionError(f"serve exited before it was ready: {lines} {process.communicate()}")


def free_port_run(length: int) -> int:
    """A base port with `length` free loopback ports from it on."""
    for _ in range(50):
        base = unused_port()
        probes = []
        try:
            for offset in range(length):
                sock = socket.socket()
                probes.append(sock)
                sock.bind(("127.0.0.1", base + offset))
            return base
        except OSError:
            continue
        finally:
            for sock in probes:
                sock.close()
    raise AssertionError("no run of free ports found")


def refuses(url: str) -> bool:
    try:
        httpx.get(url, timeout=5)
    except httpx.ConnectError:
        return True
    return False


async def test_serve_on_fixed_ports_logs_a_browser_in_and_stops_on_ctrl_c(tmp_path: Path, browser) -> None:
    base = free_port_run(len(SITES))
    state_file = tmp_path / "state.json"
    process = serve("--port-base", str(base), "--storage-state", str(state_file), "--json", str(tmp_path / "s.json"),
                    cwd=tmp_path)
    try:
        lines = wait_until_serving(process)
        printed = {m.group(1): m for m in map(LINE.match, lines) if m}
        assert list(printed) == SITES
        assert [int(printed[site].group(3)) for site in SITES] == [base + i for i in range(len(SITES))]
        assert printed["reddit"].group(5) == "MarvelsGrantMan136 / test1234" and printed["map"].group(5) == "(no login)"
        described = json.loads((tmp_path / "s.json").read_text())
        assert {name: site["url"] for name, site in described["sites"].items()} == {
            site: printed[site].group(2) for site in SITES}
        assert f"storage state (logged in to shopping, shopping_admin, reddit, gitlab): {state_file}" in lines
        for site in SITES:  # every printed URL answers
            assert httpx.get(printed[site].group(2) + "/", timeout=30, follow_redirects=True).status_code == 200

        anonymous = await browser.new_context()
        logged_in = await browser.new_context(storage_state=str(state_file))
        try:
            for site, (path, marker) in LOGGED_IN.items():
                url = printed[site].group(2) + path
                page = await logged_in.new_page()
                await page.goto(url)
                assert "login" not in page.url and "sign_in" not in page.url, (site, page.url)
                assert marker in await page.content(), site
                stranger = await anonymous.new_page()
                await stranger.goto(url)
                assert marker not in await stranger.content(), site  # the marker really means "logged in"
        finally:
            await anonymous.close()
            await logged_in.close()
    finally:
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    assert out.strip().endswith("stopped (SIGINT): the sites are down and their databases removed")
    assert "Traceback" not in err
    assert all(refuses(printed[site].group(2)) for site in SITES)


def test_per_site_ports_and_free_ports_and_sigterm(tmp_path: Path) -> None:
    fixed = unused_port()
    process = serve("--sites", "map,reddit", "--reddit-port", str(fixed), "--storage-state",
                    str(tmp_path / "state.json"), cwd=tmp_path)
    try:
        printed = {m.group(1): m for m in map(LINE.match, wait_until_serving(process)) if m}
        assert list(printed) == ["reddit", "map"] and int(printed["reddit"].group(3)) == fixed
        cookies = json.loads((tmp_path / "state.json").read_text())["cookies"]
        assert [c["name"] for c in cookies] == ["forum_session"]  # the map has no login
        assert httpx.get(printed["map"].group(2), timeout=30).status_code == 200
    finally:
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=60)
    assert process.returncode == 0 and "stopped (SIGTERM)" in out, err
    assert refuses(printed["reddit"].group(2)) and refuses(printed["map"].group(2))


def test_a_busy_port_is_one_clear_error_and_leaves_nothing_listening(tmp_path: Path) -> None:
    base = free_port_run(len(SITES))
    squatter = socket.socket()
    squatter.bind(("127.0.0.1", base + SITES.index("reddit")))
    squatter.listen()
    try:
        process = serve("--port-base", str(base), cwd=tmp_path)
        out, err = process.communicate(timeout=60)
    finally:
        squatter.close()
    assert process.returncode == 2 and "Traceback" not in err
    assert err.startswith(f"error: cannot serve reddit on 127.0.0.1:{base + 2}: Address already in use")
    for offset in range(len(SITES)):  # the ports bound before the busy one were released
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", base + offset))


@pytest.mark.unit
def test_ports_follow_the_site_order_and_site_flags_win() -> None:
    from bench.cli import build_parser
    from bench.serve import wanted_ports

    args = build_parser().parse_args(["serve", "--port-base", "9000", "--gitlab-port", "7000"])
    specs = [spec for spec in all_specs() if spec.name in ("reddit", "gitlab", "map")]
    assert wanted_ports(args, specs) == {"reddit": 9002, "gitlab": 7000, "map": 9004}
    args = build_parser().parse_args(["serve", "--map-port", "7001"])
    assert wanted_ports(args, all_specs()) == {"map": 7001}


def test_served_sites_child_is_reachable_logged_in_and_gone_after(tmp_path: Path) -> None:
    """`ServedSites` (the parallel benchmark's sites in their own process): its URLs answer, its storage state
    carries the site's login, and leaving it ends the child and frees the port; a child that cannot start is
    one clear error."""
    from bench.serve import ServedSites

    with ServedSites(["reddit"]) as served:
        url = served.placeholders["__REDDIT__"]
        child = served._process
        assert httpx.get(url + "/", timeout=30).status_code == 200
        cookies = json.loads(Path(served.storage_state_path).read_text())["cookies"]
        assert [c["name"] for c in cookies] == ["forum_session"]
        home = httpx.get(url + "/", cookies={c["name"]: c["value"] for c in cookies}, timeout=30)
        assert "MarvelsGrantMan136" in home.text
    assert child.returncode == 0 and refuses(url)
    with pytest.raises(RuntimeError, match="unknown site"):
        ServedSites(["nowhere"])
