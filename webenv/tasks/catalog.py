"""The README's table of sites and tasks, written from the site registry and the built suite.

The table is generated, not typed, so it cannot drift from what the registry serves: a test compares the README's
block with `site_table()`, and `python -m webenv.tasks.catalog README.md` rewrites the block.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from webenv.sites import all_specs, task_groups
from webenv.tasks.suite import load_suite

BEGIN, END = "<!-- begin:site-table -->", "<!-- end:site-table -->"
README_PATH = Path(__file__).resolve().parents[2] / "README.md"  # the repository's README


def site_table() -> str:
    """One row per task group (a site, or the cross-site group): its tasks and templates in the test split, the
    site's contents and its default login, then a line with the totals of both splits."""
    test, train = load_suite("test"), load_suite("train")
    specs = {spec.name: spec for spec in all_specs()}
    lines = ["| site | WebArena name | test tasks | templates | what it has | default login |",
             "|---|---|---:|---:|---|---|"]
    for group in task_groups():
        tasks = [task for task in test if task.group == group.name]
        templates = len({task.template_id for task in tasks})
        spec = specs.get(group.name) if group.sites == (group.name,) else None
        if spec is not None:
            login = f"`{spec.accounts[0].username}` / `{spec.accounts[0].password}`" if spec.accounts else "—"
            lines.append(f"| {spec.title or spec.name} | `{spec.name}` | {len(tasks)} | {templates} | {spec.summary} "
                         f"| {login} |")
        else:
            lines.append(f"| {group.name} (cross-site) | {', '.join(f'`{s}`' for s in group.sites)} | {len(tasks)} | "
                         f"{templates} | tasks that read on one site and act on another | as the sites' |")
    unachievable = sum(1 for task in test if task.config.eval.answer and not task.config.eval.answer.achievable)
    held_out = len({t.template_id for t in test} - {t.template_id for t in train})
    lines += ["", f"{len(test)} test tasks from {len({t.template_id for t in test})} intent templates "
                  f"({unachievable} unachievable); {len(train)} training tasks; {held_out} templates appear only in "
                  "the test split."]
    return "\n".join(lines)


def rewrite(readme: Path) -> bool:
    """Replace the README's table block with the current table; True if it changed."""
    text = readme.read_text()
    block = f"{BEGIN}\n{site_table()}\n{END}"
    pattern = re.compile(re.escape(BEGIN) + r".*?" + re.escape(END), re.DOTALL)
    if not pattern.search(text):
        raise ValueError(f"{readme} has no {BEGIN} ... {END} block")
    updated = pattern.sub(lambda _match: block, text)
    readme.write_text(updated)
    return updated != text


def readme_block(readme: Path) -> str:
    match = re.search(re.escape(BEGIN) + r"\n(.*?)\n" + re.escape(END), readme.read_text(), re.DOTALL)
    return match.group(1) if match else ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m webenv.tasks.catalog", description=rewrite.__doc__)
    parser.add_argument("readme", type=Path)
    args = parser.parse_args(argv)
    print("updated" if rewrite(args.readme) else "already up to date")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
