"""The learning-rate schedule a training run gets, read from the Trainer itself with no model trained.

The Trainer is built on a one-weight module and an export-sized list of rows, so it counts optimizer steps and
builds its scheduler exactly as a real run does; stepping the scheduler shows the rate every step trains at.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from train.sft import TrainSettings, _sft_config, optimizer_steps, warmup_steps

pytestmark = pytest.mark.unit


def rates(settings: TrainSettings, rows: int) -> list[float]:
    """The learning rate of each optimizer step of a run on `rows` rows, as the Trainer would schedule it."""
    import torch
    from transformers import Trainer

    config = _sft_config(settings, "cpu", False, rows)
    trainer = Trainer(model=torch.nn.Linear(1, 1), args=config, train_dataset=[{"x": i} for i in range(rows)])
    *_, total = trainer.set_initial_training_values(config, trainer.get_train_dataloader())
    assert total == optimizer_steps(settings, rows)  # our count is the Trainer's
    trainer.create_optimizer_and_scheduler(num_training_steps=total)
    assert trainer.optimizer is not None and trainer.lr_scheduler is not None
    seen = []
    for _ in range(total):
        seen.append(float(trainer.lr_scheduler.get_last_lr()[0]))
        trainer.optimizer.step()
        trainer.lr_scheduler.step()
    return seen


@pytest.mark.parametrize(("rows", "steps", "warmup"), [(1, 1, 0), (32, 1, 0), (33, 2, 0), (320, 10, 1),
                                                       (1000, 32, 3)])
def test_warmup_is_a_tenth_of_the_steps_rounded_down_so_a_small_export_still_learns(
        tmp_path: Path, rows: int, steps: int, warmup: int) -> None:
    settings = TrainSettings(role="planner", data="", base_model="", out=str(tmp_path))  # the paper's defaults
    schedule = rates(settings, rows)
    assert len(schedule) == steps and warmup_steps(settings, rows) == warmup
    assert schedule[:warmup] == sorted(schedule[:warmup]) and all(rate < settings.learning_rate
                                                                   for rate in schedule[:warmup])
    assert schedule[warmup] == pytest.approx(settings.learning_rate)  # warmed up: the full rate, then the cosine
    assert all(rate > 0 for rate in schedule[warmup:])


@pytest.mark.parametrize(("changes", "rows", "steps"), [({"epochs": 3.0}, 64, 6),
                                                        ({"micro_batch_size": 4, "batch_size": 8}, 50, 7),
                                                        ({"max_steps": 5}, 10, 5),
                                                        ({"warmup_ratio": 1.0}, 100, 4)])
def test_no_setting_lets_the_warmup_take_every_step(tmp_path: Path, changes: dict, rows: int, steps: int) -> None:
    settings = TrainSettings(role="executor", data="", base_model="", out=str(tmp_path), **changes)
    schedule, warmup = rates(settings, rows), warmup_steps(settings, rows)
    assert len(schedule) == steps and warmup == min(math.floor(settings.warmup_ratio * steps), steps - 1)
    assert schedule[warmup] == pytest.approx(settings.learning_rate)
