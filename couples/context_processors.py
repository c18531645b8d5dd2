from __future__ import annotations

from functools import partial

from django.http import HttpRequest

from couples.access import member_couple


def couple(request: HttpRequest) -> dict[str, object]:
    # A callable, so pages that never show the couple never query for it.
    return {"member_couple": partial(member_couple, request)}
