"""No secret in any artifact: a page that echoes a typed password in its URL, title, text, a field and an alert,
and every file, trace, log line and report the project writes, grepped for the value in every form a page could
hand it back in."""

from __future__ import annotations

import html
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest

from tests.support.langsmith_recorder import Recorder, create_app
from tests.support.paths import REPO
from tools import secrets
from webenv.serving import serve_apps

SECRET = "Sesame&Open 42!x"


def forms(value: str) -> set[bytes]:
    """The value as a page may echo it: raw, URL-encoded (both ways, either hex case), HTML- and JSON-escaped."""
    texts = {value, quote(value, safe=""), quote(value), quote_plus(value), html.escape(value),
             json.dumps(value)[1:-1]}
    texts |= {re.sub(r"%[0-9A-F]{2}", lambda m: m.group(0).lower(), text) for text in texts}
    return {text.encode() for text in texts}


@pytest.fixture
def langsmith():
    record = Recorder()
    group = serve_apps({"langsmith": create_app(record)})
    yield group.urls["langsmith"], record
    group.stop()


def test_a_secret_echoed_by_the_page_reaches_no_artifact(langsmith, tmp_path: Path) -> None:
    endpoint, record = langsmith
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LANGSMITH_", "LANGCHAIN_", "OPENAI_"))}
    env.update({"PLAN_AND_ACT_SECRET_PASSWORD": SECRET, "LANGSMITH_TRACING": "true", "LANGSMITH_ENDPOINT": endpoint,
                "LANGSMITH_API_KEY": "lsv2_test_key", "LANGSMITH_PROJECT": "secrets"})
    done = subprocess.run([sys.executable, "-m", "tests.support.secret_episode", str(tmp_path)], cwd=REPO, env=env,
                          text=True, capture_output=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "site received 1 sign-ins" in done.stdout  # the password really was typed and sent to the site
    files = [path for path in tmp_path.rglob("*") if path.is_file()]
    names = {path.name for path in files}
    assert {"checkpoints.sqlite", "calls.jsonl", "results.jsonl", "report.html"} <= names
    assert any(path.suffix == ".jpg" for path in files)
    artifacts = {str(path.relative_to(tmp_path)): path.read_bytes() for path in files}
    artifacts["stdout+stderr"] = (done.stdout + done.stderr).encode()
    artifacts |= {f"trace request {n}": body for n, body in enumerate(record.raw)}
    assert len(record.raw) > 0
    leaks = sorted(f"{name}: {form!r}" for name, data in artifacts.items() for form in forms(SECRET) if form in data)
    assert leaks == []
    # The echoes were there, redacted: the placeholder stands where the page showed the value.
    checkpoints = artifacts["checkpoints.sqlite"]
    assert b"Welcome {{secret:PASSWORD}}" in checkpoints and b"token={{secret:PASSWORD}}" in checkpoints
    assert b"dialog said" in checkpoints and b"Your password is {{secret:PASSWORD}}" in checkpoints


@pytest.mark.unit
def test_redaction_catches_every_echoed_form(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLAN_AND_ACT_SECRET_PASSWORD", SECRET)
    for form in forms(SECRET):
        text = f"before {form.decode()} after"
        assert secrets.redact(text) == "before {{secret:PASSWORD}} after", form
    nested = secrets.redact_value({"a": [SECRET, (quote(SECRET),)], "n": 3})
    assert nested == {"a": ["{{secret:PASSWORD}}", ("{{secret:PASSWORD}}",)], "n": 3}
    monkeypatch.setenv("PLAN_AND_ACT_SECRET_SHORT", "abc")  # too short to redact without mangling text
    assert secrets.redact("abc") == "abc"


_AVERAGE = """async ([src, boxes]) => {
  const img = new Image(); img.src = src; await img.decode();
  const canvas = document.createElement('canvas'); canvas.width = img.width; canvas.height = img.height;
  const ctx = canvas.getContext('2d'); ctx.drawImage(img, 0, 0);
  return boxes.map(([x, y, w, h]) => {
    const data = ctx.getImageData(x + 2, y + 2, Math.max(1, w - 4), Math.max(1, h - 4)).data;
    let sum = 0; for (let i = 0; i < data.length; i += 4) sum += (data[i] + data[i + 1] + data[i + 2]) / 3;
    return sum / (data.length / 4);
  });
}"""


async def test_screenshots_paint_over_secrets_and_password_fields(browser, tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    import base64

    from graph.context import Context
    from nodes.browser_access import save_screenshot
    from tools.session import BrowserSettings, DomainPolicy, sessions

    monkeypatch.setenv("PLAN_AND_ACT_SECRET_PASSWORD", SECRET)
    session = await sessions.open("mask-test", BrowserSettings(), DomainPolicy(("*",)))
    try:
        await session.page.set_content(
            f"<body style='background:#fff;font:40px sans-serif'><input id=field value='{html.escape(SECRET)}'>"
            f"<p id=text>Your password is {html.escape(SECRET)}</p><input id=pw type=password value=abcdef>"
            "<p id=plain>nothing secret here</p></body>")
        boxes = [await session.page.locator(f"#{name}").bounding_box() for name in ("field", "text", "pw", "plain")]
        path = await save_screenshot(session, Context(screenshots_dir=str(tmp_path)), "ep", 0)
        assert await session.page.locator("[data-pa-secret-mask]").count() == 0  # the marks were removed
    finally:
        await sessions.close("mask-test")
    src = "data:image/jpeg;base64," + base64.b64encode(Path(path).read_bytes()).decode()
    viewer = await browser.new_page()
    try:
        averages = await viewer.evaluate(_AVERAGE, [src, [[b["x"], b["y"], b["width"], b["height"]] for b in boxes]])
    finally:
        await viewer.close()
    field, text, password, plain = averages
    assert max(field, text, password) < 60, averages  # painted over (#202020)
    assert plain > 200, averages  # ordinary text is left alone: mostly white around the letters
