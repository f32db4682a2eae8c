"""The optional screenshot observation: set-of-marks images with the same ids, secrets masked, images as files
referenced from state and message content blocks, bytes only in the request to the model."""

from __future__ import annotations

import base64
import io
import json
import re
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from langchain_core.callbacks import AsyncCallbackHandler
from langchain_core.messages import HumanMessage
from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver
from PIL import Image

from graph.context import Context
from graph.runs import stream_run, task_input
from nodes import prompts
from nodes.browser_access import observe_page, page_picture_record
from tools import marks
from tools.session import BrowserSettings, DomainPolicy, sessions

FORM = """<!doctype html><title>Sign in</title>
<form style="padding:40px"><p><label>User <input id=user value="emma"></label></p>
<p><label>Password <input type=password id=pw value="hunter2-very-secret"></label></p>
<p><label>Note <input id=note style="width:400px"></label></p>
<p><button type=button style="width:200px;height:60px">Sign in</button></p></form>"""


def pixel(image: Image.Image, box: tuple[float, float, float, float]) -> tuple[int, int, int]:
    x, y, w, h = box
    return image.getpixel((int(x + w / 2), int(y + h / 2)))  # type: ignore[return-value]


async def test_marks_carry_the_text_ids_and_secret_fields_are_masked(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("PLAN_AND_ACT_SECRET_TOKEN", "tok-0123456789")
    session = await sessions.open("marks", BrowserSettings(), DomainPolicy(("*",)))
    await session.page.set_content(FORM)
    await session.page.fill("#note", "my token is tok-0123456789")
    context = Context(observation_mode="both")
    observation = await observe_page(session, context, tmp_path / "shot.png")
    assert observation["screenshot"] == str(tmp_path / "shot.png")
    image = Image.open(observation["screenshot"])
    assert image.format == "PNG" and image.size == (1280, 720)
    from tools.observation import snapshot
    snap = await snapshot(session.page)
    button = int(re.search(r'\[(\d+)\] button "Sign in"', observation["text"]).group(1))  # type: ignore[union-attr]
    assert set(snap.marks) >= {button} and set(snap.marks) <= set(observation["ids"])
    assert len(snap.sensitive) == 2  # the password field and the field that holds the secret's value
    for box in snap.sensitive:
        assert pixel(image.convert("RGB"), box) == marks._MASK
    user = snap.boxes[int(re.search(r'\[(\d+)\] textbox "User"', snap.text).group(1))]  # type: ignore[union-attr]
    assert pixel(image.convert("RGB"), user) != marks._MASK  # only secrets are masked
    assert "tok-0123456789" not in str(observation) and "hunter2" not in str(observation)
    # screenshot mode: the text is the legend of the marks (what the numbers on the image are)
    only = await observe_page(session, Context(observation_mode="screenshot"), tmp_path / "only.png")
    assert only["text"].splitlines() == [line.strip() for line in observation["text"].splitlines()
                                         if int(re.match(r"\s*\[(\d+)\]", line).group(1)) in snap.marks]  # type: ignore[union-attr]
    await sessions.close("marks")


def test_prompts_carry_the_screenshot_as_a_file_reference_block(tmp_path) -> None:
    shot = tmp_path / "page.png"
    shot.write_bytes(b"\x89PNG\r\n\x1a\n")
    observation: dict[str, Any] = {"url": "http://127.0.0.1/", "title": "T", "text": '[3] button "Go"', "ids": [3],
                                   "tabs": [], "truncated": False, "fingerprint": "f", "tokens": 5,
                                   "screenshot": str(shot)}
    state: Any = {"intent": "Press go", "observation": observation, "history": [], "plan": None}
    for role in ("planner", "executor", "replanner"):
        text_only = prompts.build_messages(role, state, Context())  # type: ignore[arg-type]
        assert isinstance(text_only[-1].content, str)
        with_image = prompts.build_messages(role, state, Context(observation_mode="both"))  # type: ignore[arg-type]
        content = with_image[-1].content
        assert isinstance(content, list) and content[0] == {"type": "text", "text": text_only[-1].content}
        assert content[1] == {"type": "image", "url": shot.as_uri(), "mime_type": "image/png"}
        assert prompts.read_page(with_image) == prompts.read_page(text_only)  # read-back ignores the image


def _label_color(picture: Path, element_id: int) -> tuple[int, int, int]:
    """The colour just inside the corner of the element's id label (drawn above its box, or inside it at the
    very top of the viewport); the page's own pixels there would not be one of the marks' colours."""
    record = json.loads(page_picture_record(picture).read_text())
    left, top, _, _ = record["boxes"][str(element_id)]
    image = Image.open(picture).convert("RGB")
    scale = image.width / record["viewport"][2]
    y = top * scale - 1 if top * scale >= 20 else top * scale + 1
    return image.getpixel((int(left * scale) + 1, int(y)))  # type: ignore[return-value]


class _ModelInputs(AsyncCallbackHandler):
    """What a tracer is handed for every model call (LangSmith's tracer records exactly these messages)."""

    def __init__(self) -> None:
        self.messages: list[Any] = []

    async def on_chat_model_start(self, serialized: Any, messages: Any, **kwargs: Any) -> None:
        self.messages.append(messages)


@pytest.mark.parametrize("mode", ["both", "screenshot"])
async def test_an_episode_sees_screenshots_yet_state_checkpoints_and_traces_hold_none(
        outfitters, loopback_openai, tmp_path, monkeypatch, mode: str) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    url, shop = outfitters
    base_url, log = loopback_openai
    context = Context(planner_model="openai:loopback-planner", executor_model="openai:loopback-executor",
                      base_url=base_url, observation_mode=mode, screenshots_dir=str(tmp_path / "shots"))
    seen = _ModelInputs()
    database = tmp_path / "checkpoints.sqlite"
    async with AsyncSqliteSaver.from_conn_string(str(database)) as saver:
        run = await stream_run(task_input("Add Summit Hiking Boots to the cart and tell me the price", url), context,
                               checkpointer=saver, callbacks=[seen])
    state = dict(run.state)
    assert state["status"] == "done" and state["answer"] == "$129.00" and shop.cart == ["summit-boots"]
    # The model received every screenshot as bytes ...
    calls = len(log.served)
    assert len(log.images) == calls and all(u.startswith("data:image/png;base64,") for u in log.images)
    first = Image.open(io.BytesIO(base64.b64decode(log.images[0].split(",", 1)[1])))
    assert first.size == (1280, 720)
    # ... while state, checkpoints and what tracers see hold only file references.
    shots = sorted((tmp_path / "shots").rglob("page-*.png"))
    assert len(shots) >= len(state["history"]) and Path(state["observation"]["screenshot"]) in shots
    traced = [m for batch in seen.messages for group in batch for m in group if isinstance(m, HumanMessage)]
    assert len(traced) == calls
    # (LangChain hands tracers the OpenAI form of the block, `image_url`; either way it is the file's URL.)
    assert all(isinstance(m.content, list) and "'file:///" in str(m.content[1]) for m in traced)
    assert not any("base64" in str(m.content) for m in traced)
    with sqlite3.connect(database) as db:
        blobs = b"".join(bytes(row[0]) for row in db.execute("SELECT checkpoint FROM checkpoints"))
        blobs += b"".join(bytes(row[0]) for row in db.execute("SELECT value FROM writes") if row[0] is not None)
    assert b"\x89PNG" not in blobs and b"iVBORw0KGgo" not in blobs  # no PNG, raw or base64
    assert b"page-000.png" in blobs  # the reference is there
    # Every element the executor acted on wore its id on the picture the executor was shown before acting.
    acted = [step for step in state["history"] if "id" in step["args"]]
    assert len(acted) >= 2
    for step in acted:
        picture = shots[0].parent / f"page-{step['index']:03d}.png"
        assert _label_color(picture, step["args"]["id"]) in marks._COLORS, (step["action"], step["args"])
        if mode == "screenshot":  # the text is only the legend of the marks, which names the element
            assert re.search(rf"^\[{step['args']['id']}\] ", step["page"]["text"], re.M), step["page"]["text"]
