"""Reading the export (manifest, role, hash, both row formats) and encoding rows with the chat template."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from train.chat import ChatTemplateError, check_chat_template, encode_example, render_prompt
from train.export import ExportError, load_examples, resolve_export

pytestmark = pytest.mark.unit

SYSTEM = {"role": "system", "content": "You are the EXECUTOR of a web agent."}
USER = {"role": "user", "content": "## Task\nOpen the orders page.\n\n## Current page\n[12] link \"My Orders\""}
TOOLS = [{"type": "function", "function": {"name": "click", "description": "Click an element.",
                                           "parameters": {"type": "object", "properties": {"id": {"type": "integer"}},
                                                          "required": ["id"]}}}]
PLAN = "## Step 1\nReasoning: The orders page lists orders.\nStep: Open My Orders."


def _trl_executor_row() -> dict[str, Any]:
    return {"id": "t-1", "group": "task-1", "prompt": [SYSTEM, USER],
            "completion": [{"role": "assistant", "content": "", "tool_calls": [
                {"type": "function", "function": {"name": "click", "arguments": {"id": 12}}}]}],
            "tools": json.dumps(TOOLS)}


def _openai_executor_row() -> dict[str, Any]:
    return {"messages": [SYSTEM, USER, {"role": "assistant", "content": None, "tool_calls": [
        {"id": "call_0", "type": "function", "function": {"name": "click", "arguments": "{\"id\": 12}"}}]}],
        "tools": TOOLS, "parallel_tool_calls": False}


def _planner_row() -> dict[str, Any]:
    return {"id": "p-1", "group": "task-1", "prompt": [{"role": "system", "content": "You are the PLANNER."}, USER],
            "completion": [{"role": "assistant", "content": PLAN}], "tools": "[]"}


def write_export(directory: Path, files: dict[str, tuple[str, list[dict[str, Any]]]],
                 manifest_extra: dict[str, Any] | None = None) -> Path:
    """files: name -> (role, rows); format and split are read from the name as the contract spells it."""
    directory.mkdir(parents=True, exist_ok=True)
    entries = []
    for name, (role, rows) in files.items():
        path = directory / name
        path.write_text("".join(json.dumps(row) + "\n" for row in rows))
        _role, fmt, split, _ext = name.split(".")
        entries.append({"path": name, "role": role, "format": fmt, "split": split, "rows": len(rows),
                        "sha256": hashlib.sha256(path.read_bytes()).hexdigest()})
    manifest = {"kind": "plan-and-act-sft-export", "version": 1, "prompt_version": "test", "files": entries,
                **(manifest_extra or {})}
    (directory / "manifest.json").write_text(json.dumps(manifest))
    return directory


@pytest.fixture
def export(tmp_path: Path) -> Path:
    return write_export(tmp_path / "export", {
        "executor.trl.train.jsonl": ("executor", [_trl_executor_row()]),
        "executor.openai.train.jsonl": ("executor", [_openai_executor_row()]),
        "executor.trl.validation.jsonl": ("executor", [_trl_executor_row()]),
        "planner.trl.train.jsonl": ("planner", [_planner_row()]),
    })


def test_a_listed_file_of_the_right_role_is_read_with_its_validation_sibling(export: Path) -> None:
    chosen = resolve_export(export / "executor.trl.train.jsonl", "executor")
    assert (chosen.role, chosen.format, chosen.split, chosen.rows) == ("executor", "trl", "train", 1)
    sibling = chosen.sibling("validation")
    assert sibling is not None and sibling.path.name == "executor.trl.validation.jsonl"
    assert resolve_export(export, "executor").path.name == "executor.trl.train.jsonl"  # a directory: trl preferred


def test_a_file_without_a_manifest_is_not_our_export(tmp_path: Path) -> None:
    stray = tmp_path / "rows.jsonl"
    stray.write_text(json.dumps(_trl_executor_row()) + "\n")
    with pytest.raises(ExportError, match=r"not part of a plan-and-act SFT export: there is no manifest.json"):
        resolve_export(stray, "executor")


def test_a_file_the_manifest_does_not_list_is_refused(export: Path) -> None:
    extra = export / "executor.trl.extra.jsonl"
    extra.write_text(json.dumps(_trl_executor_row()) + "\n")
    with pytest.raises(ExportError, match=r"is not listed in .*manifest.json"):
        resolve_export(extra, "executor")


def test_another_kind_of_manifest_is_refused(tmp_path: Path) -> None:
    directory = write_export(tmp_path / "x", {"planner.trl.train.jsonl": ("planner", [_planner_row()])},
                             {"kind": "something-else"})
    with pytest.raises(ExportError, match=r"not a plan-and-act SFT export manifest"):
        resolve_export(directory / "planner.trl.train.jsonl", "planner")


def test_a_role_mismatch_names_both_roles(export: Path) -> None:
    with pytest.raises(ExportError, match=r"holds executor rows, but --role is planner"):
        resolve_export(export / "executor.trl.train.jsonl", "planner")
    with pytest.raises(ExportError, match=r"has no replanner training file"):
        resolve_export(export, "replanner")


def test_a_file_edited_after_export_is_refused(export: Path) -> None:
    path = export / "planner.trl.train.jsonl"
    path.write_text(path.read_text().replace("orders", "0rders"))
    with pytest.raises(ExportError, match=r"changed after it was exported"):
        resolve_export(path, "planner")


def test_openai_and_trl_rows_become_the_same_example(export: Path) -> None:
    trl = load_examples(resolve_export(export / "executor.trl.train.jsonl", "executor"))[0]
    openai = load_examples(resolve_export(export / "executor.openai.train.jsonl", "executor"))[0]
    assert trl.prompt == openai.prompt == [SYSTEM, USER]
    assert trl.tools == openai.tools == TOOLS
    call = {"name": "click", "arguments": {"id": 12}}  # a JSON string in the openai row, an object in the trl row
    assert trl.completion["tool_calls"][0]["function"] == openai.completion["tool_calls"][0]["function"] == call


@pytest.fixture(scope="module")
def tokenizer() -> Any:
    from tests.support.tiny_model import qwen_chat_template, train_tokenizer

    texts = [SYSTEM["content"], USER["content"], PLAN, json.dumps(TOOLS)] * 20
    return train_tokenizer(texts, vocab_size=400, chat_template=qwen_chat_template())


def test_a_model_without_a_chat_template_is_refused(tokenizer: Any) -> None:
    template, tokenizer.chat_template = tokenizer.chat_template, None
    try:
        with pytest.raises(ChatTemplateError, match=r"base-x has no chat template.*--chat-template"):
            check_chat_template(tokenizer, "base-x", needs_tools=False)
    finally:
        tokenizer.chat_template = template


def test_executor_training_needs_a_template_that_renders_tool_calls(tokenizer: Any) -> None:
    template = tokenizer.chat_template
    tokenizer.chat_template = ("{% for m in messages %}<|im_start|>{{ m.role }}\n{{ m.content }}<|im_end|>\n"
                               "{% endfor %}"
                               "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}")
    try:
        check_chat_template(tokenizer, "plain", needs_tools=False)  # fine for a planner
        with pytest.raises(ChatTemplateError, match=r"does not render tool calls"):
            check_chat_template(tokenizer, "plain", needs_tools=True)
    finally:
        tokenizer.chat_template = template
    check_chat_template(tokenizer, "qwen", needs_tools=True)


def test_only_the_answer_is_learned_and_the_prompt_is_what_the_server_renders(export: Path, tokenizer: Any) -> None:
    example = load_examples(resolve_export(export / "executor.openai.train.jsonl", "executor"))[0]
    ids, mask = encode_example(tokenizer, example)
    prompt = render_prompt(tokenizer, example.prompt, example.tools)
    prompt_ids = tokenizer(prompt, add_special_tokens=False)["input_ids"]
    assert ids[: len(prompt_ids)] == prompt_ids and mask[: len(prompt_ids)] == [0] * len(prompt_ids)
    learned = tokenizer.decode([token for token, bit in zip(ids, mask) if bit])
    # arguments rendered once by the template (an object), not a JSON string encoded again
    assert learned == '<tool_call>\n{"name": "click", "arguments": {"id": 12}}\n</tool_call><|im_end|>\n'
    assert '"name": "click"' in prompt  # the tool schemas are in the prompt the model learns from


def test_wrong_inputs_to_the_train_command_get_one_line(export: Path, tmp_path: Path, capsys) -> None:
    from cli.main import main

    stray = tmp_path / "rows.jsonl"
    stray.write_text("{}\n")
    for data, role, expected in ((stray, "planner", "not part of a plan-and-act SFT export"),
                                 (export / "executor.trl.train.jsonl", "planner", "holds executor rows")):
        code = main(["train", "--role", role, "--data", str(data), "--base-model", "unused", "--out",
                     str(tmp_path / "out")])
        err = capsys.readouterr().err
        assert code == 2 and expected in err and "Traceback" not in err
