"""Process settings for torch and the Hub, and loading what `plan-and-act train` wrote (a LoRA adapter or a full
model), for merging and for serving."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

ADAPTER_CONFIG = "adapter_config.json"


class MissingTrainExtra(RuntimeError):
    """torch/transformers/trl/peft are not installed."""


def prepare_process(threads: int = 1) -> None:
    """Torch with a fixed number of CPU threads (more threads than cores, under load, made each step ~25x
    slower on the 2-core machines we measured), and no Hub version checks or telemetry."""
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    os.environ.setdefault("HF_HUB_DISABLE_UPDATE_CHECK", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    try:
        import torch
    except ImportError as exc:
        raise MissingTrainExtra("training and serving models need the train extra: "
                                "pip install 'plan-and-act[train]'") from exc
    torch.set_num_threads(max(1, threads))
    # Our own rich bar reports training; the libraries' tqdm bars (loading weights, writing shards, mapping
    # datasets) would only interleave with it.
    from datasets import disable_progress_bars
    from transformers.utils import logging as transformers_logging

    disable_progress_bars()
    transformers_logging.disable_progress_bar()


def accelerator() -> tuple[str, bool]:
    """(device, bf16 supported): CUDA when there is a GPU, else CPU in float32."""
    import torch

    if torch.cuda.is_available():
        return "cuda", bool(torch.cuda.is_bf16_supported())
    return "cpu", False


def is_adapter(path: str | Path) -> bool:
    return (Path(path) / ADAPTER_CONFIG).is_file()


def adapter_base(path: str | Path) -> str:
    """The base model an adapter was trained on, as recorded in its config."""
    return str(json.loads((Path(path) / ADAPTER_CONFIG).read_text()).get("base_model_name_or_path") or "")


def load_tokenizer(path: str | Path) -> Any:
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(str(path))


def load_trained(path: str | Path, base_model: str = "", *, merge: bool = False) -> tuple[Any, Any]:
    """(model in eval mode on the best device, tokenizer) for a training output directory. An adapter is put on
    its base model (`base_model` overrides the path recorded at training time, e.g. on another machine);
    `merge` folds it into the base weights (faster to run, and what `--merge` saves)."""
    import torch
    from transformers import AutoModelForCausalLM

    device, bf16 = accelerator()
    dtype = torch.bfloat16 if bf16 else torch.float32
    path = Path(path)
    if is_adapter(path):
        from peft import PeftModel

        base = base_model or adapter_base(path)
        if not base:
            raise ValueError(f"{path / ADAPTER_CONFIG} names no base model; pass --base-model")
        model = PeftModel.from_pretrained(AutoModelForCausalLM.from_pretrained(base, dtype=dtype), str(path))
        if merge:
            model = model.merge_and_unload()
    else:
        model = AutoModelForCausalLM.from_pretrained(str(path), dtype=dtype)
    return model.to(device).eval(), load_tokenizer(path)
