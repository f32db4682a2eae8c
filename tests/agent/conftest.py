"""Fixtures of the agent's tests that more than one module uses."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support import made_pages


@pytest.fixture(scope="module")
def made() -> Iterator[made_pages.MadePages]:
    """The pages a module writes for itself (`made.add(name, html)`), served on loopback for that module only."""
    pages = made_pages.start()
    yield pages
    assert pages.group is not None
    pages.group.stop()
