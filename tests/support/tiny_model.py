"""A tiny causal LM built from a config, for testing training and serving without downloading weights.

Two layers, hidden size 64, random weights; a byte-level BPE tokenizer trained (with `tokenizers`) on the export's
own text; Qwen2.5's chat template (shipped inside TRL), which renders tools and tool calls the way many real
models do (`<tool_call>{"name": ..., "arguments": {...}}</tool_call>`). Nothing in it can be good at anything;
it only has to run every code path a real model runs.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

SPECIAL_TOKENS = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
TOOL_TOKENS = ["<tool_call>", "</tool_call>"]  # added as normal tokens, as Qwen does, so decoding keeps them


def _texts(export_dir: Path) -> Iterator[str]:
    for path in sorted(export_dir.glob("*.trl.*.jsonl")):
        for line in path.read_text().splitlines():
            row = json.loads(line)
            yield row["tools"]
            for message in [*row["prompt"], *row["completion"]]:
                yield message.get("content") or ""
                for call in message.get("tool_calls") or []:
                    yield json.dumps(call["function"])


def qwen_chat_template() -> str:
    import trl

    return (Path(trl.__file__).parent / "chat_templates" / "qwen2_5.jinja").read_text()


def train_tokenizer(texts: Iterable[str], *, vocab_size: int = 4096, chat_template: str | None = None) -> Any:
    """A byte-level BPE tokenizer trained on `texts`, with ChatML's special tokens and Qwen's tool-call tags."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers
    from transformers import PreTrainedTokenizerFast

    bpe = Tokenizer(models.BPE())
    bpe.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    bpe.decoder = decoders.ByteLevel()
    bpe.post_processor = processors.ByteLevel(trim_offsets=False)
    trainer = trainers.BpeTrainer(vocab_size=vocab_size, min_frequency=2, special_tokens=SPECIAL_TOKENS,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    bpe.train_from_iterator(texts, trainer=trainer)
    tokenizer = PreTrainedTokenizerFast(tokenizer_object=bpe, eos_token="<|im_end|>", pad_token="<|endoftext|>",
                                        model_max_length=32768)
    tokenizer.add_tokens(TOOL_TOKENS)
    if chat_template:
        tokenizer.chat_template = chat_template
    return tokenizer


def random_model(tokenizer: Any, seed: int = 0) -> Any:
    """A 2-layer, 64-wide Qwen2 causal LM with random weights, sized to the tokenizer."""
    import torch
    from transformers import GenerationConfig, Qwen2Config, Qwen2ForCausalLM

    config = Qwen2Config(vocab_size=len(tokenizer), hidden_size=64, intermediate_size=128, num_hidden_layers=2,
                         num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=32768,
                         tie_word_embeddings=True, eos_token_id=tokenizer.eos_token_id,
                         pad_token_id=tokenizer.pad_token_id, bos_token_id=None)
    torch.manual_seed(seed)
    model = Qwen2ForCausalLM(config)
    model.generation_config = GenerationConfig(eos_token_id=tokenizer.eos_token_id,
                                               pad_token_id=tokenizer.pad_token_id)
    return model


def build_tiny_model(export_dir: Path, out: Path, *, vocab_size: int = 4096, with_chat_template: bool = True) -> Path:
    """Write a tokenizer trained on the export and a random tiny model to `out`; returns `out`."""
    tokenizer = train_tokenizer(_texts(export_dir), vocab_size=vocab_size,
                                chat_template=qwen_chat_template() if with_chat_template else None)
    out.mkdir(parents=True, exist_ok=True)
    random_model(tokenizer).save_pretrained(str(out))
    tokenizer.save_pretrained(str(out))
    return out
