"""Isolation: many environments at once, each with its own ports and databases; a write in one stays there."""

from __future__ import annotations

import sqlite3
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from webenv.server import Environment, start_environment
from webenv.sites.forum import SPECS as FORUM_SPECS

POST_TITLE = "Only environment three should ever see this"


def forum_client(env: Environment) -> httpx.Client:
    cookies = env.storage_state(["reddit"])["cookies"]
    client = httpx.Client(base_url=env.urls["reddit"], follow_redirects=True, timeout=30)
    for cookie in cookies:
        client.cookies.set(cookie["name"], cookie["value"])
    return client


def newsletter_flags(env: Environment) -> int:
    with sqlite3.connect(env.db_paths["shop"]) as conn:
        return conn.execute("SELECT newsletter FROM customers WHERE email = 'emma.lopez@gmail.com'").fetchone()[0]


def test_eight_environments_at_once_do_not_share_state() -> None:
    with ThreadPoolExecutor(max_workers=8) as pool:  # started concurrently, as parallel episodes do
        envs = list(pool.map(lambda _: start_environment(), range(8)))
    try:
        ports = [url for env in envs for url in env.urls.values()]
        assert len(set(ports)) == len(ports) == 8 * 5  # every site of every environment on its own port
        assert len({str(path) for env in envs for path in env.db_paths.values()}) == 8 * 4
        assert {FORUM_SPECS[0].placeholder} <= set(envs[0].placeholders)

        with forum_client(envs[3]) as client:  # a write through the site, over HTTP, in one environment
            created = client.post("/submit/books", data={"title": POST_TITLE, "body": "isolation", "forum": "books"})
            assert created.status_code == 200 and POST_TITLE in created.text
        for number, env in enumerate(envs):
            page = httpx.get(f"{env.urls['reddit']}/f/books?sort=new", timeout=30).text
            assert (POST_TITLE in page) is (number == 3), number

        before = [newsletter_flags(env) for env in envs]
        shop = envs[5].storage_state(["shopping"])["cookies"][0]
        flipped = "0" if before[5] else "1"
        response = httpx.post(f"{envs[5].urls['shopping']}/newsletter/manage/save/", timeout=30,
                              data={"is_subscribed": flipped}, cookies={shop["name"]: shop["value"]})
        assert response.status_code == 303
        after = [newsletter_flags(env) for env in envs]
        assert [a != b for a, b in zip(after, before)] == [i == 5 for i in range(8)]
    finally:
        for env in envs:
            env.stop()
    assert all(not env.workdir.exists() for env in envs)  # private copies are removed on stop


def test_a_stopped_environment_releases_its_ports() -> None:
    env = start_environment(["map"])
    url = env.urls["map"]
    assert httpx.get(url, timeout=30).status_code == 200
    env.stop()
    with pytest.raises(httpx.ConnectError):
        httpx.get(url, timeout=5)


def test_unknown_site_is_refused() -> None:
    with pytest.raises(KeyError, match="unknown site\\(s\\): wikipedia"):
        start_environment(["shopping", "wikipedia"])


def test_an_idle_keep_alive_connection_outlives_a_slow_agent_step() -> None:
    """A site keeps an idle connection open longer than an agent's step can take under load, so the browser never
    reuses one the server is closing (ERR_CONNECTION_RESET in a training sweep with uvicorn's 5 s default)."""
    import http.client
    import time
    from urllib.parse import urlsplit

    env = start_environment(["map"])
    try:
        connection = http.client.HTTPConnection(urlsplit(env.urls["map"]).netloc, timeout=30)
        connection.request("GET", "/")
        first = connection.getresponse()
        first.read()
        sock = connection.sock
        time.sleep(6)  # longer than uvicorn's default keep-alive: the waiting is what is under test
        connection.request("GET", "/")
        second = connection.getresponse()
        second.read()
        assert (first.status, second.status) == (200, 200)
        assert connection.sock is sock  # the same connection: the server had not closed it
    finally:
        env.stop()
