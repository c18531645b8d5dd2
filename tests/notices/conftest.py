"""The "your partner has shared" email's tests run at one moment; its helpers are in
tests/support/notices.py."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import time_machine

from tests.support.notices import NOW


@pytest.fixture(autouse=True)
def clock() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller
