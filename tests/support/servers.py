"""Real server processes: Hearth always runs as several (gunicorn workers, the Celery worker and
beat), so what one process changes must be what every other one reads. The `servers` fixture
(tests/conftest.py) starts them; a `Visitor` is one person's browser talking to them."""

from __future__ import annotations

import http.client
import socket
import subprocess
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import quote, urlencode

from django.db import connection

from couples.models import User
from tests.support.pages import markup
from tests.support.people import client_for


@dataclass
class Answer:
    status: int
    body: str
    location: str

    @property
    def markup(self) -> str:
        return markup(self.body)


@dataclass
class Visitor:
    """One person's browser: its own cookies, sent to whichever server process it asks, as a
    load balancer or a kept-alive connection would."""

    cookies: dict[str, str] = field(default_factory=dict)

    @classmethod
    def signed_in(cls, user: User) -> Visitor:
        """A fresh session for `user`, committed to the test database."""
        return cls({"sessionid": client_for(user).cookies["sessionid"].value})

    def copy(self) -> Visitor:
        return Visitor(dict(self.cookies))

    def get(self, server: str, path: str) -> Answer:
        return self._send(server, "GET", path, None)

    def post(self, server: str, path: str, data: dict[str, str] | None = None) -> Answer:
        if "csrftoken" not in self.cookies:
            self.get(server, path)  # the form's page sets the CSRF cookie, as in a browser
        token = {"csrfmiddlewaretoken": self.cookies["csrftoken"]}
        return self._send(server, "POST", path, {**(data or {}), **token})

    def _send(self, server: str, method: str, path: str, data: dict[str, str] | None) -> Answer:
        host, port = server.removeprefix("http://").split(":")
        conn = http.client.HTTPConnection(host, int(port), timeout=20)
        # One site whatever process answers, as behind a load balancer: allauth keys its
        # attempt counts by the site's host.
        headers = {
            "Host": "localhost",
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
        }
        body = None
        if data is not None:
            body = urlencode(data)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            text = response.read().decode()
        finally:
            conn.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return Answer(response.status, text, response.headers.get("Location", ""))


def url_of_test_database() -> str:
    """The test database as a DATABASE_URL, for processes started by the tests."""
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{db['NAME']}"
    credentials = quote(db["USER"], safe="")
    if db["PASSWORD"]:
        credentials += f":{quote(db['PASSWORD'], safe='')}"
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until_up(url: str, process: subprocess.Popen[bytes], logs: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            if Visitor().get(url, "/healthz/").status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    output = "\n".join(p.read_text() for p in logs.glob("*.log"))
    raise RuntimeError(f"{url} did not start:\n{output}")
