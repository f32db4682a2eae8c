"""Fixtures of the training tests: the SFT export, a tiny base model, and what training makes of it.

Nothing is downloaded: the Hub is switched off before any Hugging Face library is imported, the base model is
built from a config, and its tokenizer is trained on the export.
"""

from __future__ import annotations

import os

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["HF_HUB_DISABLE_UPDATE_CHECK"] = "1"
os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402


@pytest.fixture(scope="session")
def export_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The SFT export the trainer reads (the one place the data comes from; see tests/support/sft_export.py)."""
    from tests.support.sft_export import sft_export

    return sft_export(tmp_path_factory.mktemp("export"))


@pytest.fixture(scope="session")
def tiny_base(export_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    import torch

    from tests.support.tiny_model import build_tiny_model

    torch.set_num_threads(1)
    return build_tiny_model(export_dir, tmp_path_factory.mktemp("models") / "tiny-base")
