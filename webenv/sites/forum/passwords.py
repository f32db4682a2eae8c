"""Salted password hashes for the forum's accounts.

The seed stores hashes made here, so changing the scheme means bumping the spec's `seed_version` (this file's
name does not mention "seed", so the cached template database would not notice on its own).
"""

from __future__ import annotations

import hashlib
import hmac

_ITERATIONS = 2_000  # low on purpose: the accounts are public test data; the hash exists to look like a real app


def hash_password(password: str, salt: str) -> str:
    return hashlib.pbkdf2_hmac("sha256", password.encode(), salt.encode(), _ITERATIONS).hex()


def verify_password(password: str, salt: str, expected_hash: str) -> bool:
    return hmac.compare_digest(hash_password(password, salt), expected_hash)
