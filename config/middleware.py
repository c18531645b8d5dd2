"""Headers Django does not set itself."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render


class PermissionsPolicyMiddleware:
    """Tells the browser that no Hearth page may use the camera, microphone, location, payment
    or other powerful features, nor join an ad-tracking cohort: Hearth needs none of them, and a
    page that cannot ask for them cannot be made to. The policy is `PERMISSIONS_POLICY`."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        self.header = ", ".join(
            f"{feature}=({' '.join(allowed)})"
            for feature, allowed in settings.PERMISSIONS_POLICY.items()
        )

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.header)
        return response


class MethodNotAllowedPageMiddleware:
    """Django's 405 answer is empty: a person who opens a form's address from an old link or
    bookmark, or sends it another way than the form does, gets a page that says so instead."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if response.status_code != 405 or request.method == "HEAD":
            return response
        if not isinstance(response, HttpResponse) or response.content:
            return response
        page = render(request, "405.html", status=405)
        page["Allow"] = response["Allow"]
        return page
