"""The trajectory viewer, rendered in headless Chromium: a real episode (scripted models, real browser, real shop)
with an unusable executor output, replans that change the plan, pictures and token counts, next to a failed one;
the page must show each of them and its filters must narrow the list."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.async_api import async_playwright

from graph.recorder import ModelCallRecorder
from graph.runs import stream_run, task_input
from harness.trajectory import picture_of, trajectory
from harness.viewer import PriceError, Prices, ViewedEpisode, stop_kind, write_viewer
from policies.scripted import ScriptedChatModel, plan_text, tool_call
from tests.agent.graph_helpers import scripted_context
from tests.support.scripting import on
from tools.chromium import chromium_executable

INTENT = "Add the Summit Hiking Boots to the cart and tell me their price"
FIRST = plan_text("Open the catalog", "Search for boots", "Add the boots to the cart")
SECOND = plan_text("Search for boots", "Add the boots to the cart", notes=["the catalog is open"])
THIRD = plan_text("Add the boots to the cart", "Report the price", notes=["the catalog is open", "boots: $129.00"])


async def _episode(url: str, shots: Path, executor: list, key: str) -> ViewedEpisode:
    models = {"planner": ScriptedChatModel(script=[FIRST]), "executor": ScriptedChatModel(script=executor),
              "replanner": ScriptedChatModel(script=[SECOND, THIRD], repeat_last=True)}
    context = scripted_context("plan_and_act", screenshots_dir=str(shots), **models)
    recorder = ModelCallRecorder()
    run = await stream_run(task_input(INTENT, url), context, callbacks=[recorder], thread_id=key)
    state = run.state
    return ViewedEpisode(key=key, intent=INTENT, sites=["shop" if key == "good" else "forum"],
                         passed=key == "good", status=state["status"], stop_reason=state["stop_reason"],
                         answer=state.get("answer") or "", trajectory=trajectory(state, recorder.calls, context))


async def test_the_viewer_shows_plans_actions_pictures_costs_and_retries(outfitters, tmp_path: Path) -> None:
    url, shop = outfitters
    good = await _episode(url, tmp_path / "shots", [
        "I will click the catalog.",  # no tool call: unusable, corrected and asked again
        on("link", "Catalog"),
        on("textbox", "Search products", "type", text="summit", press_enter=True),
        on("link", "Summit Hiking Boots"), on("button", "Add to cart"), tool_call("stop", answer="$129.00")], "good")
    bad = await _episode(url, tmp_path / "shots", [tool_call("stop", answer="no idea")], "bad")
    assert good.status == "done" and shop.cart == ["summit-boots"]
    models = good.trajectory["models"]
    prices = Prices.parse([f"{models['executor']}=1000/2000", f"{models['planner']}=1000/2000"])
    report = write_viewer([good, bad], tmp_path / "report" / "viewer.html", "viewer test", prices)

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=chromium_executable(), headless=True)
        page = await browser.new_page(viewport={"width": 1400, "height": 1000})
        await page.goto(report.as_uri())
        episodes = page.locator("details.episode")
        assert await episodes.count() == 2
        first = episodes.nth(0)
        await first.locator(":scope > summary").click()
        # the plan as it evolved: three versions, new steps and notes highlighted, dropped ones struck out
        versions = first.locator("[data-role=plan-version]")
        assert await versions.count() == len(good.trajectory["plans"]) >= 3
        assert await versions.nth(0).locator("h4").inner_text() == "v0 · planner · after 0 actions"
        assert await versions.nth(1).locator(".removed").all_inner_texts() == ["Open the catalog"]
        assert "the catalog is open" in await versions.nth(1).locator(".notes .added").all_inner_texts()
        assert await versions.nth(2).locator(".notes .added").all_inner_texts() == ["boots: $129.00"]
        assert "Report the price" in await versions.nth(2).locator("li.added").all_inner_texts()
        # each action with its result, the executor's reasoning and the page text, folded
        steps = first.locator("[data-role=step]")
        assert await steps.count() == len(good.trajectory["history"]) == 5
        actions = await first.locator("[data-role=action]").all_inner_texts()
        assert actions[0].startswith("click(") and actions[-1] == 'stop(answer="$129.00")'
        assert "clicked" in (await steps.nth(0).locator("[data-role=result]").inner_text()).lower()
        page_text = steps.nth(0).locator("[data-role=page-text]")
        assert await page_text.get_attribute("open") is None and not await page_text.locator("pre").is_visible()
        await page_text.locator(":scope > summary").click()
        assert "Catalog" in await page_text.locator("pre").inner_text()
        # the unusable output, shown where it happened, with the raw text the model wrote
        retry = steps.nth(0).locator("[data-role=retry]")
        assert await retry.count() == 1 and "I will click the catalog." in await retry.inner_text()
        # the picture of the page with the element clicked outlined, inside the picture
        shot = steps.nth(0).locator("a.shot")
        image = shot.locator("img")
        await image.scroll_into_view_if_needed()
        assert await image.evaluate("img => img.complete && img.naturalWidth > 0")
        outline = await shot.locator("[data-role=outline]").bounding_box()
        frame = await image.bounding_box()
        assert outline and frame and outline["width"] > 5 and outline["height"] > 5
        assert frame["x"] <= outline["x"] and outline["x"] + outline["width"] <= frame["x"] + frame["width"] + 1
        assert frame["y"] <= outline["y"] and outline["y"] + outline["height"] <= frame["y"] + frame["height"] + 1
        _image, record = picture_of(good.trajectory["pictures"][0])  # type: ignore[misc]
        x, y, width, _height = record["boxes"][str(good.trajectory["history"][0]["args"]["id"])]
        scale = frame["width"] / record["viewport"][2]  # where the element was on the page, scaled to the picture
        assert abs(outline["x"] - (frame["x"] + x * scale)) < 2 and abs(outline["y"] - (frame["y"] + y * scale)) < 2
        assert abs(outline["width"] - width * scale) < 2
        # tokens and cost per step and per episode, from the recorder's usage and the given prices
        step_tokens = await steps.nth(0).locator("[data-role=tokens]").first.inner_text()
        assert re.search(r"2 model calls: [\d,]+ in / [\d,]+ out tokens \$\d+\.\d{4} · 1 retry", step_tokens)
        calls = good.trajectory["calls"]
        expected = sum(c["usage"]["input_tokens"] * 1000 + c["usage"]["output_tokens"] * 2000 for c in calls
                       if c["role"] in ("executor", "planner")) / 1e6  # the replanner is not priced
        assert await first.locator("[data-role=episode-cost]").inner_text() == f"${expected:.4f}"
        # filters: site, outcome, stop reason
        assert await page.locator("#shown").inner_text() == "2"
        await page.select_option("#filter-outcome", "fail")
        assert [await e.is_hidden() for e in await episodes.all()] == [True, False]
        await page.select_option("#filter-outcome", "")
        await page.select_option("#filter-site", "shop")
        assert [await e.is_hidden() for e in await episodes.all()] == [False, True]
        await page.select_option("#filter-site", "")
        stops = await page.locator("#filter-stop option").all_inner_texts()
        assert stops == ["all", stop_kind("done", "the executor called stop")]
        await page.screenshot(path=str(tmp_path / "viewer.png"), full_page=False)
        await browser.close()


@pytest.mark.unit
def test_prices_are_read_strictly() -> None:
    prices = Prices.parse(["local:llama=0.1/0.2"])
    assert prices.of("openai:gpt-4o") == (2.5, 10.0) and prices.of("local:llama") == (0.1, 0.2)
    assert prices.cost("local:llama", {"input_tokens": 1_000_000, "output_tokens": 500_000}) == pytest.approx(0.2)
    assert prices.cost("reference:x.json", {"input_tokens": 5}) is None
    for bad in ("gpt-4o", "gpt-4o=1", "=1/2", "m=a/b"):
        with pytest.raises(PriceError, match="MODEL=INPUT/OUTPUT"):
            Prices.parse([bad])


@pytest.mark.unit
def test_stop_reasons_group_by_their_kind() -> None:
    assert stop_kind("stopped", "reached max_steps (30)") == stop_kind("stopped", "reached max_steps (12)")
    assert stop_kind("failed", "executor model error: APIError: boom") == "failed: executor model error"
    assert stop_kind("done", "") == "done"
