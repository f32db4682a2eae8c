"""A rich progress bar for training: optimizer steps, the latest loss and learning rate, time left.

Replaces transformers' tqdm bar and its raw dict printer, which interleave badly with our other output.
"""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from transformers import TrainerCallback


class RichProgress(TrainerCallback):
    def __init__(self, description: str, console: Console | None = None, enabled: bool = True) -> None:
        self.description = description
        self.console = console or Console(stderr=True)
        self.enabled = enabled
        self._progress: Progress | None = None
        self._bar: Any = None

    def on_train_begin(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        if not (self.enabled and state.is_world_process_zero):
            return
        self._progress = Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                                  TextColumn("loss {task.fields[loss]}"), TextColumn("lr {task.fields[lr]}"),
                                  TimeElapsedColumn(), TimeRemainingColumn(), console=self.console)
        self._progress.start()
        self._bar = self._progress.add_task(self.description, total=state.max_steps, completed=state.global_step,
                                            loss="-", lr="-")

    def on_step_end(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        if self._progress is not None:
            self._progress.update(self._bar, completed=state.global_step)

    def on_log(self, args: Any, state: Any, control: Any, logs: dict[str, Any] | None = None, **kwargs: Any) -> None:
        if self._progress is None or not logs:
            return
        if "loss" in logs:
            self._progress.update(self._bar, loss=f"{logs['loss']:.4f}",
                                  lr=f"{logs.get('learning_rate', 0.0):.2e}")
        if "eval_loss" in logs:
            self._progress.console.print(f"step {state.global_step}: validation loss {logs['eval_loss']:.4f}")

    def on_train_end(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        if self._progress is not None:
            self._progress.update(self._bar, completed=state.global_step)
            self._progress.stop()
            self._progress = None
