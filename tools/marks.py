"""Set-of-marks screenshots: the viewport as a person sees it, with each interactive element's id drawn on it.

A multimodal executor reads `[12]` on the button itself and answers `click(12)`: the same ids as the text
observation, from the same scan. Marks are drawn on the image (Pillow), not injected into the page, so taking
the picture changes nothing the page or the settle clock can see. Boxes that show a password or a configured
secret's value are painted over before the file is written: the image never holds a secret.
"""

from __future__ import annotations

import asyncio
import io
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont
from playwright.async_api import Page

from tools.observation import Snapshot
from tools.page_scan import Box

_COLORS = ((230, 25, 75), (0, 130, 200), (60, 160, 60), (245, 130, 48), (145, 30, 180), (0, 128, 128))
_MASK = (40, 40, 40)


def _font(size: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # Pillow without FreeType: the fixed bitmap font
        return ImageFont.load_default()


def draw_marks(png: bytes, marks: dict[int, Box], sensitive: list[Box], css_width: float) -> Image.Image:
    """The screenshot with secrets masked and each mark's id drawn at its element's top-left corner."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    scale = image.width / css_width if css_width else 1.0
    draw = ImageDraw.Draw(image)

    def pixels(box: Box) -> tuple[float, float, float, float]:
        x, y, w, h = box
        return x * scale, y * scale, (x + max(w, 1)) * scale, (y + max(h, 1)) * scale

    for box in sensitive:
        draw.rectangle(pixels(box), fill=_MASK)
    font = _font(max(11, int(12 * scale)))
    for index, (element_id, box) in enumerate(marks.items()):
        color = _COLORS[index % len(_COLORS)]
        left, top, right, bottom = pixels(box)
        draw.rectangle((left, top, right, bottom), outline=color, width=max(1, int(2 * scale)))
        label = str(element_id)
        text_box = draw.textbbox((0, 0), label, font=font)
        width, height = text_box[2] - text_box[0] + 4, text_box[3] - text_box[1] + 4
        label_top = top - height if top - height >= 0 else top  # above the element, or inside at the very top
        draw.rectangle((left, label_top, left + width, label_top + height), fill=color)
        draw.text((left + 2 - text_box[0], label_top + 2 - text_box[1]), label, fill=(255, 255, 255), font=font)
    return image


async def marked_screenshot(page: Page, snap: Snapshot, path: Path) -> Path:
    """Write the viewport with marks (PNG) to `path`; returns it."""
    png = await page.screenshot(type="png")
    size = page.viewport_size
    css_width = snap.viewport[2] or (size["width"] if size else 0)

    def write() -> None:  # decoding, drawing and file I/O off the event loop
        image = draw_marks(png, snap.marks, snap.sensitive, css_width)
        path.parent.mkdir(parents=True, exist_ok=True)
        image.save(path, format="PNG", optimize=True)

    await asyncio.to_thread(write)
    return path
