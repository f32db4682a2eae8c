"""A self-contained HTML report of a sweep: the summary table, then every episode's plan steps, actions,
results and screenshots, so a person can see at a glance where an agent went wrong."""

from __future__ import annotations

import os
from collections.abc import Sequence
from html import escape
from pathlib import Path

from bench.results import by, ordered_groups, tally
from harness.episode import EpisodeResult
from tools import secrets

_STYLE = """
body{font:14px/1.45 system-ui,sans-serif;margin:2rem;color:#1d1d1f;max-width:1200px}
table{border-collapse:collapse;margin:.5rem 0 1rem}td,th{border:1px solid #ddd;padding:.3rem .55rem;vertical-align:top}
th{background:#f5f5f7;text-align:left}.pass{color:#137333;font-weight:600}.fail{color:#b3261e;font-weight:600}
details{border:1px solid #e3e3e3;border-radius:8px;margin:.45rem 0;padding:.35rem .8rem}
summary{cursor:pointer}img{max-width:320px;border:1px solid #ccc;border-radius:4px}
code{background:#f5f5f7;padding:0 .25rem;border-radius:3px}.muted{color:#666}
"""


def _summary(results: Sequence[EpisodeResult]) -> str:
    results = [r for r in results if r.scored]
    groups = by(results, "group")
    rows = [tally("all", results)] + [tally(g, groups[g]) for g in ordered_groups(groups)]
    body = "".join(f"<tr><td>{escape(r.label)}</td><td>{r.total}</td><td>{r.passed}</td><td>{r.rate:.1f}%</td>"
                   f"<td>{r.mean_steps:.1f}</td></tr>" for r in rows)
    return ("<table><tr><th>tasks</th><th>n</th><th>passed</th><th>success</th><th>mean steps</th></tr>"
            f"{body}</table>")


def _episode(result: EpisodeResult, out_dir: Path) -> str:
    verdict = ('<span class="pass">PASS</span>' if result.passed else '<span class="fail">FAIL</span>'
               if result.scored else f'<span class="fail">ERROR ({escape(result.error_kind)})</span>')
    rows = []
    for number, action in enumerate(result.actions, start=1):
        shot = action.get("screenshot", "")
        image = (f'<a href="{escape(os.path.relpath(shot, out_dir))}"><img loading="lazy" alt="after step {number}" '
                 f'src="{escape(os.path.relpath(shot, out_dir))}"></a>') if shot else ""
        args = ", ".join(f"{k}={v!r}" for k, v in action["args"].items())
        status = "" if action["ok"] else ' <span class="fail">failed</span>'
        rows.append(f"<tr><td>{number}</td><td>{escape(action.get('plan_step', ''))}</td>"
                    f"<td><code>{escape(action['action'])}({escape(args)})</code>{status}<br>"
                    f"<span class='muted'>{escape(action['result'])}</span></td><td>{image}</td></tr>")
    checks = "".join(f"<li>{escape(check)}</li>" for check in result.checks)
    return (f"<details><summary>{verdict} task {result.task_id} <span class='muted'>[{escape(result.group)}, "
            f"{escape('+'.join(result.eval_types))}]</span> — {escape(result.intent)}</summary>"
            f"<p><b>answer:</b> {escape(result.answer) or '<i>(none)</i>'}<br><b>ended:</b> {escape(result.status)}"
            f" — {escape(result.error or result.stop_reason)}<br><b>final URL:</b> {escape(result.final_url)}</p>"
            f"<ul>{checks}</ul><table><tr><th>#</th><th>plan step</th><th>action and result</th>"
            f"<th>page after</th></tr>{''.join(rows)}</table></details>")


def write_report(results: Sequence[EpisodeResult], path: Path, title: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    results = [EpisodeResult(**secrets.redact_value(r.to_json())) for r in results]
    episodes = "".join(_episode(r, path.parent) for r in results)
    path.write_text(f"<!doctype html><html><head><meta charset='utf-8'><title>{escape(title)}</title>"
                    f"<style>{_STYLE}</style></head><body><h1>{escape(title)}</h1>{_summary(results)}"
                    f"<h2>Episodes</h2>{episodes}</body></html>")
    return path
