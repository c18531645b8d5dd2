"""Headers Django does not set itself."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.template.loader import render_to_string


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


class LongURLMiddleware:
    """Refuses an address longer than `MAX_URL_LENGTH` with Hearth's "too large" page, before
    anything reads it. Gunicorn reads request lines up to twice that (gunicorn.conf.py), so
    Django answers, with every security header, where gunicorn's own bare 414 would."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if len(request.get_full_path()) > settings.MAX_URL_LENGTH:
            # Rendered without the request, as Django's own 400 page is: nothing about the
            # visitor is read from an address that is refused.
            return HttpResponse(render_to_string("400.html"), status=414)
        return self.get_response(request)


class PrivatePagesMiddleware:
    """`Cache-Control: no-store, private` on every answer, so that neither the browser (its disk
    and back/forward caches) nor a shared cache keeps a page: after "Log out", Back shows no
    private words, and someone else at the same device finds none. Only pages that are the same
    for everyone keep their own caching: `CACHEABLE_PAGES` to a visitor who is not signed in,
    `CACHEABLE_FOR_EVERYONE` (the installable app's files, naming nobody) to anyone. Static
    files never reach this middleware: WhiteNoise answers them first."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        name = match.view_name if match else None
        if name in settings.CACHEABLE_FOR_EVERYONE:
            return response
        # Only these pages' views read who is signed in already: asking elsewhere would cost the
        # session's and the person's queries on pages that never needed them.
        if name in settings.CACHEABLE_PAGES and not request.user.is_authenticated:
            return response
        response.headers["Cache-Control"] = "no-store, private"
        return response
