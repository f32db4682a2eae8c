"""Reading the SFT export: which file is which, and whether it is still the file the pipeline wrote.

The export is a directory: `manifest.json` ({"kind": "plan-and-act-sft-export", "version": 1, "prompt_version",
"files": [{"path", "role", "format", "split", "rows", "sha256"}, ...]}) beside `<role>.<format>.<split>.jsonl`
files. `trl` rows are {"id", "group", "prompt": [system, user], "completion": [assistant], "tools": "<JSON
string>"} with tool-call arguments as objects; `openai` rows are OpenAI fine-tuning rows ({"messages", "tools"?})
with arguments as JSON strings. Both are read into one `Example` shape here, so nothing downstream cares which.

A file is trusted only through its manifest: the role it was written for and its hash. Training a planner on
executor rows, or on a file edited after export, would silently produce a broken model; those are errors.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from train.chat import Example, normalise_message

MANIFEST = "manifest.json"
KIND = "plan-and-act-sft-export"
SUPPORTED_VERSIONS = (1,)
ROLES = ("planner", "executor", "replanner")
FORMATS = ("trl", "openai")


class ExportError(ValueError):
    """The data is not (or no longer) a file of our export; the message says what is wrong and what to do."""


@dataclass(frozen=True)
class ExportFile:
    path: Path
    role: str
    format: str
    split: str
    rows: int
    sha256: str
    prompt_version: str
    manifest: dict[str, Any]

    def sibling(self, split: str) -> ExportFile | None:
        """The same role and format in another split (the validation file of a training file), if exported."""
        for entry in self.manifest.get("files", []):
            if (entry.get("role"), entry.get("format"), entry.get("split")) == (self.role, self.format, split):
                return _entry(self.path.parent, entry, self.manifest)
        return None


def _entry(directory: Path, entry: dict[str, Any], manifest: dict[str, Any]) -> ExportFile:
    return ExportFile(path=directory / entry["path"], role=entry.get("role", ""), format=entry.get("format", ""),
                      split=entry.get("split", ""), rows=int(entry.get("rows", 0)), sha256=entry.get("sha256", ""),
                      prompt_version=manifest.get("prompt_version", ""), manifest=manifest)


def _read_manifest(directory: Path, what: Path) -> dict[str, Any]:
    path = directory / MANIFEST
    if not path.is_file():
        raise ExportError(f"{what} is not part of a plan-and-act SFT export: there is no {MANIFEST} beside it "
                          "(write one with `plan-and-act synth export --out DIR`)")
    try:
        manifest = json.loads(path.read_text())
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ExportError(f"{path} is not valid JSON: {exc}") from exc
    if not isinstance(manifest, dict) or manifest.get("kind") != KIND:
        raise ExportError(f"{path} is not a plan-and-act SFT export manifest (its kind is not {KIND!r})")
    if manifest.get("version") not in SUPPORTED_VERSIONS:
        raise ExportError(f"{path} has export version {manifest.get('version')!r}; this trainer reads "
                          f"version {', '.join(map(str, SUPPORTED_VERSIONS))}")
    return manifest


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def resolve_export(data: str | Path, role: str) -> ExportFile:
    """The export file to train `role` on: `data` is one listed .jsonl file, or the export directory (then the
    role's training file, `trl` preferred). Checks the manifest, the role and the file's hash."""
    if role not in ROLES:
        raise ExportError(f"unknown role {role!r}; choose one of {', '.join(ROLES)}")
    data = Path(data)
    if data.is_dir():
        manifest = _read_manifest(data, data)
        candidates = [e for e in manifest.get("files", []) if e.get("role") == role and e.get("split") == "train"]
        candidates.sort(key=lambda e: FORMATS.index(e.get("format")) if e.get("format") in FORMATS else 99)
        if not candidates:
            raise ExportError(f"the export in {data} has no {role} training file")
        chosen = _entry(data, candidates[0], manifest)
    else:
        if not data.is_file():
            raise ExportError(f"{data} does not exist")
        manifest = _read_manifest(data.parent, data)
        entries = [e for e in manifest.get("files", []) if e.get("path") == data.name]
        if not entries:
            raise ExportError(f"{data} is not listed in {data.parent / MANIFEST}, so it is not a file of this "
                              "export")
        chosen = _entry(data.parent, entries[0], manifest)
        if chosen.role != role:
            raise ExportError(f"{data} holds {chosen.role} rows, but --role is {role}: train a {role} on "
                              f"{role}.<format>.train.jsonl, or pass --role {chosen.role}")
    if chosen.format not in FORMATS:
        raise ExportError(f"{chosen.path} has format {chosen.format!r}; this trainer reads {', '.join(FORMATS)}")
    check_hash(chosen)
    return chosen


def check_hash(export: ExportFile) -> None:
    if not export.path.is_file():
        raise ExportError(f"{export.path} is listed in the manifest but missing")
    if export.sha256 and _sha256(export.path) != export.sha256:
        raise ExportError(f"{export.path} changed after it was exported (its sha256 differs from the manifest's); "
                          "re-export instead of editing export files")


def _example(row: dict[str, Any], fmt: str, number: int) -> Example:
    if fmt == "trl":
        tools = row.get("tools") or "[]"
        tools = json.loads(tools) if isinstance(tools, str) else tools
        prompt, completion = row["prompt"], row["completion"]
        if len(completion) != 1:
            raise ExportError(f"row {number}: expected one completion message, found {len(completion)}")
        return Example(id=str(row.get("id", number)), prompt=[normalise_message(m) for m in prompt],
                       completion=normalise_message(completion[0]), tools=list(tools))
    messages = row["messages"]
    if not messages or messages[-1].get("role") != "assistant":
        raise ExportError(f"row {number}: the last message is not the assistant's")
    return Example(id=str(number), prompt=[normalise_message(m) for m in messages[:-1]],
                   completion=normalise_message(messages[-1]), tools=list(row.get("tools") or []))


def load_examples(export: ExportFile) -> list[Example]:
    examples = []
    with export.path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                examples.append(_example(json.loads(line), export.format, number))
            except (json.JSONDecodeError, KeyError, TypeError, AttributeError) as exc:
                raise ExportError(f"{export.path}:{number}: not a {export.format} row ({exc})") from exc
    if not examples:
        raise ExportError(f"{export.path} has no rows")
    return examples
