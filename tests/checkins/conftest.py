from __future__ import annotations

from collections.abc import Iterator

import pytest
import time_machine

from tests.support.checkins import NOW


@pytest.fixture(autouse=True)
def clock() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(NOW) as traveller:
        yield traveller
