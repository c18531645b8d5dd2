"""Gunicorn reads this file from the working directory, so `make run` and docker-compose start
the web process with the same command: `gunicorn config.wsgi`."""

from __future__ import annotations

import os

from gunicorn.http import wsgi  # type: ignore[import-untyped]

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("WEB_THREADS", "4"))
timeout = 30
accesslog = "-"
# Django refuses an over-long address itself, with every security header
# (config.middleware.LongURLMiddleware, past MAX_URL_LENGTH); gunicorn's own 414 carries none,
# so gunicorn reads request lines up to its largest bounded limit.
limit_request_line = 8190


class _Response(wsgi.Response):  # type: ignore[misc]  # gunicorn ships no types
    """Gunicorn names itself in a Server header on every answer, with no setting to stop it;
    Hearth's answers name no software for a scanner to look up."""

    def default_headers(self) -> list[str]:
        return [line for line in super().default_headers() if not line.startswith("Server:")]


wsgi.Response = _Response
