"""Exact and near-duplicate text detection for generated queries and plans.

Exact: texts equal after normalising case, accents, punctuation and spacing. Near: MinHash/LSH over character
5-grams (word 3-grams for long texts) finds candidates in sub-linear time, and a candidate counts only when
rapidfuzz's similarity of the two normalised texts reaches the threshold and the two mention the same numbers
("orders in 2022" and "orders in 2023" are different tasks however alike they read). Verdicts depend only on
the texts and the order they are added in, so a rerun keeps the very same records.
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from dataclasses import dataclass

from datasketch import MinHash, MinHashLSH
from rapidfuzz import fuzz

_NON_WORD = re.compile(r"[^0-9a-z]+")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
SHINGLE = 5
LONG_TEXT = 200  # characters; longer texts are shingled by words


def normalise(text: str) -> str:
    """Lower case, no accents, punctuation as spaces, single spaces."""
    text = text or ""
    if not text.isascii():
        decomposed = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NON_WORD.sub(" ", text.lower()).strip()


def _crc32(data: bytes) -> int:
    return zlib.crc32(data)


def _shingles(norm: str) -> list[bytes]:
    """Character 5-grams for short texts (a query), word 3-grams for long ones (a plan): long texts written in a
    site's few dozen words share most of their character 5-grams, which would make every pair a candidate."""
    if len(norm) > LONG_TEXT:
        words = norm.split()
        return list({" ".join(words[i:i + 3]).encode() for i in range(len(words) - 2)})
    padded = f" {norm} "
    if len(padded) <= SHINGLE:
        return [padded.encode()]
    return list({padded[i:i + SHINGLE].encode() for i in range(len(padded) - SHINGLE + 1)})


@dataclass(frozen=True)
class Duplicate:
    of: str  # id of the record this one duplicates
    kind: str  # "exact" or "near"
    similarity: float


class Deduper:
    """Remembers texts by id; `check` says whether a new text repeats one of them."""

    def __init__(self, threshold: float = 0.95, num_perm: int = 64, lsh_threshold: float = 0.7) -> None:
        if not 0 < threshold <= 1:
            raise ValueError("the near-duplicate threshold is a similarity in (0, 1]")
        self.threshold = threshold
        self.num_perm = num_perm
        self._exact: dict[str, str] = {}
        self._norm: dict[str, str] = {}
        self._lsh = MinHashLSH(threshold=lsh_threshold, num_perm=num_perm)
        template = MinHash(num_perm=num_perm, hashfunc=_crc32, seed=1)  # permutations are drawn once, not per text
        self._permutations, self._scheme = template.permutations, template.scheme

    def __len__(self) -> int:
        return len(self._norm)

    def _minhash(self, norm: str) -> MinHash:
        minhash = MinHash(num_perm=self.num_perm, hashfunc=_crc32, permutations=self._permutations,
                          scheme=self._scheme)
        minhash.update_batch(_shingles(norm))
        return minhash

    def check(self, text: str) -> tuple[Duplicate | None, str, MinHash]:
        norm = normalise(text)
        if norm in self._exact:
            return Duplicate(self._exact[norm], "exact", 1.0), norm, MinHash(num_perm=self.num_perm)
        minhash = self._minhash(norm)
        numbers = _NUMBER.findall(norm)
        best: Duplicate | None = None
        for candidate in sorted(self._lsh.query(minhash)):
            other = self._norm[candidate]
            if _NUMBER.findall(other) != numbers:
                continue
            similarity = fuzz.ratio(norm, other, score_cutoff=self.threshold * 100) / 100
            if similarity >= self.threshold and (best is None or similarity > best.similarity):
                best = Duplicate(candidate, "near", similarity)
        return best, norm, minhash

    def add(self, record_id: str, text: str) -> Duplicate | None:
        """Remember `text` unless it duplicates a remembered one; returns the duplicate found, if any."""
        if record_id in self._norm:  # the very same record again (same content, same id)
            return Duplicate(record_id, "exact", 1.0)
        duplicate, norm, minhash = self.check(text)
        if duplicate is None:
            self._exact[norm] = record_id
            self._norm[record_id] = norm
            self._lsh.insert(record_id, minhash)
        return duplicate
