"""Where tests find files that live outside the package."""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
# The 165 real WebArena-Lite configs sit in ../shared beside the checkout (as in CI); override with the variable.
WEBARENA_LITE_CONFIGS = Path(os.environ.get("WEBARENA_LITE_CONFIGS")
                             or REPO.parent / "shared" / "webarena-lite" / "test_webarena_lite.raw.json")
