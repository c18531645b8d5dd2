"""docker-compose.yml and the Procfile describe the same processes: make run and the
production-like stack start web, worker and beat with the same commands."""

from __future__ import annotations

import importlib
import shlex
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


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
