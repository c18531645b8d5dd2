from __future__ import annotations

from functools import partial

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from agreements.banner import for_request


def banner(request: HttpRequest) -> dict[str, object]:
    """`banner` for base.html, read (`agreements.banner.for_request`) only when a page shows
    it."""
    return {"banner": SimpleLazyObject(partial(for_request, request))}
