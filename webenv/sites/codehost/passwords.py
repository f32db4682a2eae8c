"""Password hashing for the seed accounts.

The accounts are public test data, but storing a hash keeps the login code honest: it compares digests in
constant time rather than strings, the way a real site must.
"""

from __future__ import annotations

import hashlib
import hmac

_SALT = b"codehost:"


def hash_password(password: str) -> str:
    return "sha256$" + hashlib.sha256(_SALT + password.encode()).hexdigest()


def verify_password(password: str, stored: str) -> bool:
    return hmac.compare_digest(hash_password(password), stored)
