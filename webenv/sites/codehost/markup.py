"""A small Markdown subset for READMEs, issue descriptions and comments.

Real GitLab renders Markdown; the agent should see headings, lists, links and code as such, not as `##` and
backticks. Only the common constructs are supported, and everything is HTML-escaped first, so seeded or typed
text can never inject markup.
"""

from __future__ import annotations

import html
import re

from markupsafe import Markup

_INLINE = [
    (re.compile(r"\*\*([^*]+)\*\*"), r"<strong>\1</strong>"),
    (re.compile(r"\[([^\]]+)\]\((https?://[^)\s]+|/[^)\s]*)\)"), r'<a href="\2">\1</a>'),
    (re.compile(r"(?<![\"=>/])(https?://[^\s<]+)"), r'<a href="\1">\1</a>'),
]


def _inline(text: str) -> str:
    escaped = html.escape(text, quote=False)
    code_spans: list[str] = []

    def stash(match: re.Match[str]) -> str:  # keep code spans out of the other rules
        code_spans.append(match.group(1))
        return f"\x00{len(code_spans) - 1}\x00"

    escaped = re.sub(r"`([^`]+)`", stash, escaped)
    for pattern, replacement in _INLINE:
        escaped = pattern.sub(replacement, escaped)
    return re.sub(r"\x00(\d+)\x00", lambda m: f"<code>{code_spans[int(m.group(1))]}</code>", escaped)


def render_markdown(text: str, heading_offset: int = 1) -> Markup:
    """Headings, paragraphs, bullet/numbered/task lists, fenced code, inline code, bold and links.

    Headings are shifted down a level (`#` becomes h2) because rendered text always sits inside a page that
    has its own h1 (the project, file or issue title); one h1 per page keeps the heading outline meaningful.
    """
    out: list[str] = []
    paragraph: list[str] = []
    list_tag: str | None = None
    lines = text.replace("\r\n", "\n").split("\n")
    index = 0

    def flush_paragraph() -> None:
        if paragraph:
            out.append(f"<p>{_inline(' '.join(paragraph))}</p>")
            paragraph.clear()

    def close_list() -> None:
        nonlocal list_tag
        if list_tag:
            out.append(f"</{list_tag}>")
            list_tag = None

    while index < len(lines):
        line = lines[index]
        stripped = line.strip()
        if stripped.startswith("```"):
            flush_paragraph()
            close_list()
            code: list[str] = []
            index += 1
            while index < len(lines) and not lines[index].strip().startswith("```"):
                code.append(lines[index])
                index += 1
            out.append(f"<pre><code>{html.escape(chr(10).join(code), quote=False)}</code></pre>")
        elif heading := re.match(r"(#{1,6})\s+(.*)", stripped):
            flush_paragraph()
            close_list()
            level = min(6, len(heading.group(1)) + heading_offset)
            out.append(f"<h{level}>{_inline(heading.group(2))}</h{level}>")
        elif item := re.match(r"([-*]|\d+\.)\s+(.*)", stripped):
            flush_paragraph()
            tag = "ol" if item.group(1)[0].isdigit() else "ul"
            if list_tag != tag:
                close_list()
                out.append(f"<{tag}>")
                list_tag = tag
            body = item.group(2)
            task = re.match(r"\[([ xX])\]\s+(.*)", body)
            if task:
                mark = "☑" if task.group(1).lower() == "x" else "☐"
                out.append(f"<li>{mark} {_inline(task.group(2))}</li>")
            else:
                out.append(f"<li>{_inline(body)}</li>")
        elif not stripped:
            flush_paragraph()
            close_list()
        else:
            close_list()
            paragraph.append(stripped)
        index += 1
    flush_paragraph()
    close_list()
    return Markup("\n".join(out))
