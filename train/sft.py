"""Supervised fine-tuning of one role on one export file, with TRL's SFTTrainer: LoRA by default, or full.

Defaults are the paper's: AdamW at 2e-5 with a cosine schedule and 10% warmup, an effective batch of 32
(micro-batches plus gradient accumulation), one epoch; bf16 and gradient checkpointing on a GPU, neither on a
CPU (TRL turns both on by default, and a CPU run then crawls or fails). The loss sees only the assistant's
tokens: each row is encoded as prompt + completion with a mask (`train.chat.encode_example`), so TRL never has
to put the rows' heterogeneous tool schemas through an Arrow column.

An output directory is one run. Checkpoints land in it every `save_steps`; running the same command again
resumes from the last one, and a different run (other data, base model, role or method) pointed at it is
refused rather than mixed in. `plan_and_act_training.json` in it records what was trained on and how it went.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import shutil
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from train.chat import check_chat_template, encode_example
from train.export import ExportFile, load_examples, resolve_export
from train.loading import accelerator, load_trained, prepare_process

RUN_RECORD = "plan_and_act_training.json"
MERGED_DIR = "merged"


class TrainError(ValueError):
    """A training run that cannot start as asked; the message says why and what to do."""


@dataclass
class TrainSettings:
    role: str
    data: str
    base_model: str
    out: str
    full: bool = False
    learning_rate: float = 2e-5
    epochs: float = 1.0
    batch_size: int = 32  # effective: micro_batch_size x gradient accumulation x processes
    micro_batch_size: int = 1
    warmup_ratio: float = 0.1
    max_length: int = 16384
    max_steps: int = -1
    lora_r: int = 16
    lora_alpha: int = 32
    lora_dropout: float = 0.05
    lora_targets: str = "all-linear"
    save_steps: int = 50
    logging_steps: int = 10
    seed: int = 42
    merge: bool = False
    chat_template: str = ""
    resume: bool = True
    threads: int = 1
    show_progress: bool = True


@dataclass
class TrainResult:
    out: str
    method: str
    steps: int
    seconds: float
    rows: int
    dropped_rows: int
    tokens: int
    completion_tokens: int
    train_losses: list[float] = field(default_factory=list)
    eval_loss_before: float | None = None
    eval_loss_after: float | None = None
    resumed_from: str = ""
    merged: str = ""


def _apply_chat_template_override(tokenizer: Any, source: str) -> None:
    path = Path(source)
    if path.is_file():
        tokenizer.chat_template = path.read_text()
    elif path.is_dir():
        from transformers import AutoTokenizer

        tokenizer.chat_template = AutoTokenizer.from_pretrained(str(path)).chat_template
    else:
        raise TrainError(f"--chat-template {source}: no such file or tokenizer directory")


def _encode(tokenizer: Any, export: ExportFile, max_length: int) -> tuple[dict[str, list[list[int]]], int]:
    """Encoded rows (input_ids, completion_mask) and how many were dropped for exceeding max_length: a cut
    row would lose its completion, the one part that teaches anything."""
    ids: list[list[int]] = []
    masks: list[list[int]] = []
    dropped = 0
    for example in load_examples(export):
        input_ids, mask = encode_example(tokenizer, example)
        if len(input_ids) > max_length:
            dropped += 1
            continue
        ids.append(input_ids)
        masks.append(mask)
    return {"input_ids": ids, "completion_mask": masks}, dropped


def _fingerprint(settings: TrainSettings, export: ExportFile) -> dict[str, Any]:
    return {"role": settings.role, "data_sha256": export.sha256 or _file_sha(export.path),
            "base_model": settings.base_model, "method": "full" if settings.full else "lora"}


def _file_sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _last_checkpoint(out: Path, fingerprint: dict[str, Any], resume: bool) -> str:
    from transformers.trainer_utils import get_last_checkpoint

    if not out.is_dir():
        return ""
    last = get_last_checkpoint(str(out)) or ""
    record = out / RUN_RECORD
    previous = json.loads(record.read_text()).get("run") if record.is_file() else None
    if not last and previous is None:
        return ""
    if previous is not None and previous != fingerprint:
        changed = ", ".join(k for k in fingerprint if previous.get(k) != fingerprint[k])
        raise TrainError(f"{out} holds another training run (different {changed}); choose another --out, or "
                         "delete that directory to start over")
    if not resume:
        for checkpoint in out.glob("checkpoint-*"):
            shutil.rmtree(checkpoint)
        return ""
    return last


def _processes() -> int:
    return int(os.environ.get("WORLD_SIZE", "1"))


def _accumulation(settings: TrainSettings, processes: int) -> int:
    return max(1, math.ceil(settings.batch_size / (settings.micro_batch_size * processes)))


def optimizer_steps(settings: TrainSettings, rows: int, processes: int = 1) -> int:
    """The optimizer steps the Trainer will take on `rows` rows, counted as it counts them: each process reads
    ceil(rows / (micro-batch x processes)) micro-batches an epoch, a partial accumulation still makes a step, and
    `max_steps` (when positive) replaces the epochs."""
    if settings.max_steps > 0:
        return settings.max_steps
    batches = math.ceil(rows / (settings.micro_batch_size * processes))
    per_epoch = max(1, math.ceil(batches / _accumulation(settings, processes)))
    return math.ceil(settings.epochs * per_epoch)


def warmup_steps(settings: TrainSettings, rows: int, processes: int = 1) -> int:
    """floor(warmup_ratio x optimizer steps), and always fewer than all of them. A ratio handed to the Trainer is
    rounded up there, so a small export (<= one effective batch: a single step) spent its only step warming up
    at learning rate 0 and trained nothing."""
    total = optimizer_steps(settings, rows, processes)
    return max(0, min(math.floor(settings.warmup_ratio * total), total - 1))


def _sft_config(settings: TrainSettings, device: str, bf16: bool, rows: int) -> Any:
    from trl import SFTConfig

    processes = _processes()
    on_gpu = device == "cuda"
    # transformers renamed gradient checkpointing to activation checkpointing (the old name warns); TRL's
    # default for it is on, so it is always set explicitly, under whichever name this version reads.
    name = "activation_checkpointing" if "activation_checkpointing" in SFTConfig.__dataclass_fields__ else (
        "gradient_checkpointing")
    checkpointing = {name: on_gpu, f"{name}_kwargs": {"use_reentrant": False} if on_gpu else None}
    return SFTConfig(
        output_dir=settings.out, learning_rate=settings.learning_rate, num_train_epochs=settings.epochs,
        max_steps=settings.max_steps, per_device_train_batch_size=settings.micro_batch_size,
        per_device_eval_batch_size=settings.micro_batch_size,
        gradient_accumulation_steps=_accumulation(settings, processes), optim="adamw_torch",
        lr_scheduler_type="cosine", warmup_steps=warmup_steps(settings, rows, processes),
        bf16=bf16, fp16=False, **checkpointing,
        logging_steps=settings.logging_steps, logging_first_step=True, save_strategy="steps",
        save_steps=settings.save_steps, save_total_limit=2, report_to="none", disable_tqdm=True,
        completion_only_loss=True, max_length=None, seed=settings.seed, use_cpu=not on_gpu,
        dataloader_pin_memory=on_gpu)


def _lora_config(settings: TrainSettings) -> Any:
    from peft import LoraConfig

    targets: Any = settings.lora_targets
    if targets != "all-linear":
        targets = [name.strip() for name in targets.split(",") if name.strip()]
    return LoraConfig(r=settings.lora_r, lora_alpha=settings.lora_alpha, lora_dropout=settings.lora_dropout,
                      target_modules=targets, task_type="CAUSAL_LM")


def run_training(settings: TrainSettings) -> TrainResult:
    if settings.merge and settings.full:
        raise TrainError("--merge folds a LoRA adapter into its base; a --full fine-tune already writes a whole model")
    export = resolve_export(settings.data, settings.role)  # wrong data fails before torch is even imported
    out = Path(settings.out)
    fingerprint = _fingerprint(settings, export)

    prepare_process(settings.threads)
    import torch
    from datasets import Dataset
    from transformers import AutoModelForCausalLM, AutoTokenizer
    from transformers.trainer_callback import PrinterCallback, ProgressCallback
    from trl import SFTTrainer

    from train.progress import RichProgress

    last = _last_checkpoint(out, fingerprint, settings.resume)
    try:
        tokenizer = AutoTokenizer.from_pretrained(settings.base_model)
    except (OSError, ValueError) as exc:
        raise TrainError(f"cannot load the tokenizer of {settings.base_model}: {exc}") from exc
    if settings.chat_template:
        _apply_chat_template_override(tokenizer, settings.chat_template)
    check_chat_template(tokenizer, settings.base_model, needs_tools=settings.role == "executor")
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token

    columns, dropped = _encode(tokenizer, export, settings.max_length)
    if not columns["input_ids"]:
        raise TrainError(f"every row of {export.path} is longer than --max-length {settings.max_length} tokens")
    validation = export.sibling("validation")
    eval_dataset = None
    if validation is not None and validation.path.is_file():
        eval_columns, _ = _encode(tokenizer, validation, settings.max_length)
        eval_dataset = Dataset.from_dict(eval_columns) if eval_columns["input_ids"] else None

    device, bf16 = accelerator()
    model = AutoModelForCausalLM.from_pretrained(settings.base_model,
                                                 dtype=torch.bfloat16 if bf16 else torch.float32)
    out.mkdir(parents=True, exist_ok=True)
    record: dict[str, Any] = {"run": fingerprint, "data": str(export.path), "prompt_version": export.prompt_version,
                              "settings": asdict(settings)}
    (out / RUN_RECORD).write_text(json.dumps(record, indent=2) + "\n")

    method = "full" if settings.full else "lora"
    trainer = SFTTrainer(model=model, args=_sft_config(settings, device, bf16, len(columns["input_ids"])),
                         train_dataset=Dataset.from_dict(columns), eval_dataset=eval_dataset,
                         processing_class=tokenizer, peft_config=None if settings.full else _lora_config(settings),
                         callbacks=[RichProgress(f"{settings.role} ({method})", enabled=settings.show_progress)])
    for noisy in (PrinterCallback, ProgressCallback):
        trainer.remove_callback(noisy)

    started = time.monotonic()
    eval_before = trainer.evaluate()["eval_loss"] if eval_dataset is not None and not last else None
    trainer.train(resume_from_checkpoint=last or None)
    eval_after = trainer.evaluate()["eval_loss"] if eval_dataset is not None else None
    trainer.save_model(str(out))
    tokenizer.save_pretrained(str(out))
    seconds = time.monotonic() - started

    result = TrainResult(
        out=str(out), method=method, steps=trainer.state.global_step, seconds=round(seconds, 1),
        rows=len(columns["input_ids"]), dropped_rows=dropped, tokens=sum(map(len, columns["input_ids"])),
        completion_tokens=sum(map(sum, columns["completion_mask"])),
        train_losses=[round(entry["loss"], 4) for entry in trainer.state.log_history if "loss" in entry],
        eval_loss_before=eval_before, eval_loss_after=eval_after, resumed_from=last)
    if settings.merge:
        result.merged = str(merge_adapter(out, out / MERGED_DIR))
    record["result"] = asdict(result)
    (out / RUN_RECORD).write_text(json.dumps(record, indent=2) + "\n")
    return result


def merge_adapter(adapter_dir: str | Path, merged_dir: str | Path, base_model: str = "") -> Path:
    """Fold a LoRA adapter into its base weights and save a standalone model (servable by anything that loads
    Hugging Face models) with the adapter's tokenizer and chat template."""
    model, tokenizer = load_trained(adapter_dir, base_model, merge=True)
    merged_dir = Path(merged_dir)
    model.save_pretrained(str(merged_dir))
    tokenizer.save_pretrained(str(merged_dir))
    return merged_dir
