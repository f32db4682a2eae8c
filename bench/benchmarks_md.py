"""Keep BENCHMARKS.md current: each measurement owns a marked section that its command rewrites."""

from __future__ import annotations

import re
from pathlib import Path

HEADER = "# Benchmarks\n\nEvery number here is written by the command shown with it; rerun the command to refresh it.\n"


def update_section(path: Path, name: str, body: str) -> None:
    begin, end = f"<!-- begin:{name} -->", f"<!-- end:{name} -->"
    block = f"{begin}\n{body.strip()}\n{end}"
    text = path.read_text() if path.exists() else HEADER
    pattern = re.compile(re.escape(begin) + r".*?" + re.escape(end), re.S)
    text = pattern.sub(lambda _m: block, text) if pattern.search(text) else text.rstrip() + "\n\n" + block + "\n"
    path.write_text(text)
