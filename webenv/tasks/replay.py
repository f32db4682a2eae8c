"""Carry out a reference solution with Playwright's own role/name lookup — no agent involved.

This is the cheap proof that a reference solution fits its site: every target resolves to exactly the element
meant, every page loads. The oracle policy later proves the same through the real graph and observation.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from playwright.async_api import BrowserContext, Locator, Page

from webenv.tasks.config import substitute
from webenv.tasks.solution import RefAction, ReferenceSolution, Target


class ReplayError(RuntimeError):
    """A reference action that could not be carried out; says which action and why."""


@dataclass
class ReplayResult:
    answer: str
    final_url: str
    page: Page
    urls: list[str] = field(default_factory=list)  # the active page's URL after each action


_FOLLOWS = "(anchor, node) => !!(anchor.compareDocumentPosition(node) & Node.DOCUMENT_POSITION_FOLLOWING)"


async def locate(page: Page, target: Target) -> Locator:
    """The single element a target names, or a ReplayError saying how many matched."""
    if target.css:
        candidates = page.locator(target.css)
    else:
        candidates = page.get_by_role(target.role, name=target.name, exact=target.exact)  # type: ignore[arg-type]
    count = await candidates.count()
    indices = list(range(count))
    if target.near:
        anchor = page.get_by_text(target.near).first
        if await anchor.count() == 0:
            raise ReplayError(f"anchor text {target.near!r} not found on {page.url}")
        anchor_handle = await anchor.element_handle()
        kept = []
        for i in indices:
            handle = await candidates.nth(i).element_handle()
            if await anchor_handle.evaluate(_FOLLOWS, handle):  # type: ignore[union-attr]
                kept.append(i)
        indices = kept
    if target.nth >= len(indices):
        raise ReplayError(f"{target.describe()}: {len(indices)} match(es) on {page.url}, wanted #{target.nth}")
    return candidates.nth(indices[target.nth])


async def perform(context: BrowserContext, page: Page, action: RefAction, placeholders: dict[str, str]) -> Page:
    """Do one reference action; returns the page that is active afterwards (tabs may change)."""
    name = action.action
    if name in {"click", "type", "hover", "select_option"}:
        assert action.target is not None
        element = await locate(page, action.target)
        if name == "click":
            await element.click()
        elif name == "hover":
            await element.hover()
        elif name == "type":
            await element.fill(substitute(action.text or "", placeholders))
            if action.press_enter:
                await element.press("Enter")
        else:
            await element.select_option(label=action.option)
    elif name == "press":
        await page.keyboard.press(action.keys or "Enter")
    elif name == "scroll":
        await page.mouse.wheel(0, 600 if (action.direction or "down") == "down" else -600)
    elif name == "goto":
        await page.goto(substitute(action.url or "", placeholders) or "about:blank")
    elif name == "go_back":
        await page.go_back()
    elif name == "go_forward":
        await page.go_forward()
    elif name == "new_tab":
        page = await context.new_page()
    elif name == "tab_focus":
        page = context.pages[action.index or 0]
        await page.bring_to_front()
    elif name == "close_tab":
        await page.close()
        page = context.pages[-1]
    await page.wait_for_load_state("load")
    return page


async def replay(page: Page, solution: ReferenceSolution, placeholders: dict[str, str]) -> ReplayResult:
    """Run every action of a solution from the page's current state; the last action's answer is returned."""
    urls: list[str] = []
    for index, action in enumerate(solution.actions):
        if action.action == "stop":
            break
        try:
            page = await perform(page.context, page, action, placeholders)
        except ReplayError:
            raise
        except Exception as exc:  # Playwright timeouts and the like: name the action that broke
            raise ReplayError(f"action {index} ({action.describe()}) failed on {page.url}: {exc}") from exc
        urls.append(page.url)
    return ReplayResult(answer=substitute(solution.answer, placeholders), final_url=page.url, page=page,
                        urls=urls)
