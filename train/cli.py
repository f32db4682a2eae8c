"""`plan-and-act train` and `plan-and-act serve-model`: fine-tune a role's model on our export, then serve it.

    plan-and-act train --role executor --data export/executor.trl.train.jsonl --base-model Qwen/Qwen2.5-7B-Instruct \\
        --out models/executor-lora --merge
    plan-and-act serve-model models/executor-lora --port 8001
    plan-and-act run "..." --start-url ... --executor-model openai:executor --executor-base-url http://127.0.0.1:8001/v1

Torch and friends are imported only when a command runs (they are the optional `train` extra).
"""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

from rich.console import Console

from cli.errors import CliError
from train.export import ROLES

_console = Console(stderr=True, soft_wrap=True)


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.4f}"


async def cmd_train(args: argparse.Namespace) -> int:
    from train.chat import ChatTemplateError
    from train.export import ExportError
    from train.loading import MissingTrainExtra

    try:
        from train.sft import TrainError, TrainSettings, run_training

        settings = TrainSettings(
            role=args.role, data=args.data, base_model=args.base_model, out=args.out, full=args.full,
            learning_rate=args.learning_rate, epochs=args.epochs, batch_size=args.batch_size,
            micro_batch_size=args.micro_batch_size, warmup_ratio=args.warmup_ratio, max_length=args.max_length,
            max_steps=args.max_steps, lora_r=args.lora_r, lora_alpha=args.lora_alpha, lora_dropout=args.lora_dropout,
            lora_targets=args.lora_targets, save_steps=args.save_steps, logging_steps=args.logging_steps,
            seed=args.seed, merge=args.merge, chat_template=args.chat_template or "", resume=not args.no_resume,
            threads=args.threads, show_progress=not args.no_progress)
        result = await asyncio.to_thread(run_training, settings)
    except ImportError as exc:
        raise CliError(f"training needs the train extra (pip install 'plan-and-act[train]'): {exc}") from exc
    except (ExportError, ChatTemplateError, MissingTrainExtra, TrainError) as exc:
        raise CliError(str(exc)) from exc
    losses = result.train_losses
    _console.print(
        f"[bold green]trained[/] {args.role} ({result.method}) on {result.rows} rows"
        + (f" ({result.dropped_rows} longer than --max-length left out)" if result.dropped_rows else "")
        + f", {result.steps} steps in {result.seconds:.0f} s"
        + (f"; resumed from {result.resumed_from}" if result.resumed_from else ""))
    if losses:
        _console.print(f"  train loss {losses[0]:.4f} -> {losses[-1]:.4f}")
    if result.eval_loss_after is not None:
        _console.print(f"  validation loss {_fmt(result.eval_loss_before)} -> {_fmt(result.eval_loss_after)}")
    _console.print(f"  saved to {result.out}" + (f"; merged model in {result.merged}" if result.merged else ""))
    return 0


async def cmd_serve_model(args: argparse.Namespace) -> int:
    from train.loading import MissingTrainExtra

    try:
        from train.serve import load_served_model, serve

        served = await asyncio.to_thread(load_served_model, args.model_dir, base_model=args.base_model or "",
                                         name=args.name or "", max_new_tokens=args.max_new_tokens,
                                         threads=args.threads)
    except ImportError as exc:
        raise CliError(f"serving needs the train extra (pip install 'plan-and-act[train]'): {exc}") from exc
    except (MissingTrainExtra, OSError, ValueError) as exc:
        raise CliError(f"cannot load {args.model_dir}: {exc}") from exc

    def ready(url: str) -> None:
        _console.print(f"serving [bold]{served.name}[/] from {args.model_dir} at {url} (any model name is accepted)")

    try:
        await serve(served, args.host, args.port, on_ready=ready)
    except OSError as exc:
        raise CliError(f"cannot listen on {args.host}:{args.port}: {exc}") from exc
    return 0


def _train_parser(commands: Any) -> None:
    train = commands.add_parser("train", help="fine-tune a planner, executor or replanner model on an SFT export",
                                description="Fine-tune one role's model with TRL (LoRA by default) on a file of "
                                            "`plan-and-act synth export`. Defaults follow the paper.")
    train.add_argument("--role", choices=ROLES, required=True)
    train.add_argument("--data", required=True, help="an export file (<role>.<format>.train.jsonl) or the export "
                                                      "directory")
    train.add_argument("--base-model", required=True, help="Hugging Face model id or local directory")
    train.add_argument("--out", required=True, help="output directory (checkpoints, adapter or model, tokenizer)")
    train.add_argument("--full", action="store_true", help="full fine-tune instead of a LoRA adapter")
    train.add_argument("--merge", action="store_true", help="also write the adapter merged into the base (OUT/merged)")
    train.add_argument("--learning-rate", type=float, default=2e-5)
    train.add_argument("--epochs", type=float, default=1.0)
    train.add_argument("--batch-size", type=int, default=32, help="effective batch (micro-batches x accumulation)")
    train.add_argument("--micro-batch-size", type=int, default=1, help="rows per forward pass per device")
    train.add_argument("--warmup-ratio", type=float, default=0.1)
    train.add_argument("--max-length", type=int, default=16384, help="rows with more tokens are left out (counted)")
    train.add_argument("--max-steps", type=int, default=-1, help="stop after this many optimizer steps")
    train.add_argument("--lora-r", type=int, default=16)
    train.add_argument("--lora-alpha", type=int, default=32)
    train.add_argument("--lora-dropout", type=float, default=0.05)
    train.add_argument("--lora-targets", default="all-linear", help="'all-linear' or module names, comma-separated")
    train.add_argument("--save-steps", type=int, default=50, help="checkpoint every N optimizer steps (resumable)")
    train.add_argument("--logging-steps", type=int, default=10)
    train.add_argument("--seed", type=int, default=42)
    train.add_argument("--chat-template", default="", help="a .jinja file or tokenizer directory whose chat "
                                                            "template to use (for base models without one)")
    train.add_argument("--no-resume", action="store_true", help="ignore checkpoints in --out and start over")
    train.add_argument("--threads", type=int, default=1, help="CPU threads for torch")
    train.add_argument("--no-progress", action="store_true", help="no progress bar")
    train.set_defaults(handler=cmd_train)


def _serve_parser(commands: Any) -> None:
    serve = commands.add_parser("serve-model", help="serve a trained model over an OpenAI-compatible API (CPU-sized)",
                                description="An OpenAI-compatible /v1/chat/completions for a model `plan-and-act "
                                            "train` wrote; for large models use vLLM (see README).")
    serve.add_argument("model_dir", help="a training output directory (LoRA adapter or full model)")
    serve.add_argument("--port", type=int, required=True)
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--base-model", default="", help="base model of an adapter (default: the one it records)")
    serve.add_argument("--name", default="", help="model id shown by /v1/models (default: the directory's name)")
    serve.add_argument("--max-new-tokens", type=int, default=1024,
                       help="tokens per answer when a request sets no max_tokens")
    serve.add_argument("--threads", type=int, default=1, help="CPU threads for torch")
    serve.set_defaults(handler=cmd_serve_model)


def register(commands: Any) -> None:
    """Add `train` and `serve-model` to the `plan-and-act` command's subparsers."""
    _train_parser(commands)
    _serve_parser(commands)
