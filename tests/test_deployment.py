"""docker-compose.yml and the Procfile describe the same processes: make run and the
production-like stack start web, worker and beat with the same commands."""

from __future__ import annotations

import importlib
import os
import shlex
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent


def compose() -> dict[str, Any]:
    """docker-compose.yml as YAML reads it: whatever the file holds."""
    loaded: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    return loaded


def procfile() -> dict[str, str]:
    lines = (ROOT / "Procfile").read_text().splitlines()
    return dict(line.split(": ", 1) for line in lines if line.strip())


def test_compose_has_the_whole_stack() -> None:
    services = compose()["services"]
    assert {"postgres", "redis", "web", "worker", "beat", "mailpit", "migrate"} <= set(services)
    assert services["beat"]["deploy"]["replicas"] == 1
    env = services["web"]["environment"]
    assert env["DATABASE_URL"].startswith("postgres://")
    assert env["REDIS_URL"].startswith("redis://")
    assert env["SMTP_HOST"] == "mailpit"


def test_compose_passes_the_https_and_proxy_settings_a_deployer_sets() -> None:
    env = compose()["services"]["web"]["environment"]
    for name in (
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_PRELOAD",
        "TRUSTED_PROXY_COUNT",
    ):
        assert env[name].startswith(f"${{{name}:-"), name
    readme = (ROOT / "README.md").read_text()
    for name in ("SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "TRUSTED_PROXY_COUNT"):
        assert f"`{name}`" in readme, name


def test_compose_runs_the_same_commands_as_make_run() -> None:
    services = compose()["services"]
    for name, command in procfile().items():
        assert services[name]["command"] == command, name


def test_every_command_names_a_module_that_exists() -> None:
    services = compose()["services"]
    for name in ("web", "worker", "beat", "migrate"):
        argv = shlex.split(services[name]["command"])
        if argv[0] == "gunicorn":
            module, _, attr = argv[1].partition(":")
            assert hasattr(importlib.import_module(module), attr or "application")
        elif argv[0] == "celery":
            app_module = argv[argv.index("-A") + 1]
            assert importlib.import_module(app_module).celery_app.main == "hearth"
        else:
            assert argv[:2] == ["python", "manage.py"]
            assert (ROOT / "manage.py").exists()


@pytest.fixture(scope="module")
def gunicorn(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """gunicorn.conf.py's web process, as `make run` starts it, on a port of its own: its
    address and the file its output goes to."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    var = tmp_path_factory.mktemp("var")
    log = var / "gunicorn.log"
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env = {**clean, "HEARTH_VAR_DIR": str(var), "PORT": str(port), "WEB_CONCURRENCY": "1"}
    with log.open("w") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "config.wsgi"],
            cwd=ROOT,
            env={**env, "DEBUG": "true"},
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    address = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{address}/offline/", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        yield address, log
    finally:
        process.terminate()
        process.wait(timeout=10)


def answer(url: str) -> tuple[int, Message]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.headers
    except urllib.error.HTTPError as refused:
        return refused.code, refused.headers


def test_the_web_process_names_no_software(gunicorn: tuple[str, Path]) -> None:
    address, _ = gunicorn
    status, headers = answer(f"{address}/offline/")
    assert status == 200
    assert "Server" not in headers


def test_an_over_long_address_is_refused_by_hearth_with_its_headers(
    gunicorn: tuple[str, Path],
) -> None:
    address, _ = gunicorn
    status, headers = answer(f"{address}/offline/?q={'a' * 6000}")
    assert status == 414
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert "Server" not in headers


def test_each_log_line_is_written_once(gunicorn: tuple[str, Path]) -> None:
    address, log = gunicorn
    assert answer(f"{address}/no/such/page/")[0] == 404
    time.sleep(0.5)
    assert log.read_text().count("Not Found: /no/such/page/") == 1
