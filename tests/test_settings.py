from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def start(env: dict[str, str], then: str = "") -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {then}"],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"DEBUG": "maybe"}, "DEBUG must be true or false"),
        ({"DATABASE_URL": "mysql://db/hearth"}, "DATABASE_URL must be a URL"),
        ({"REDIS_URL": "http://cache"}, "REDIS_URL must be a URL"),
        ({"SMTP_HOST": "mail", "SMTP_PORT": "twenty-five"}, "SMTP_PORT must be a whole number"),
        ({"TIME_ZONE": "Mars/Olympus"}, "TIME_ZONE must be an IANA time zone"),
        ({"DEBUG": "false", "SECRET_KEY": ""}, "SECRET_KEY must be set when DEBUG is off"),
    ],
)
def test_a_bad_environment_value_stops_start_up_naming_the_variable(
    env: dict[str, str], named: str
) -> None:
    result = start(env)
    assert result.returncode != 0
    assert named in result.stderr


def test_the_embedded_defaults_start() -> None:
    result = start({"DEBUG": "true"})
    assert result.returncode == 0, result.stderr


def test_production_keeps_each_compiled_template_in_memory() -> None:
    # Django wraps the loaders in its cached loader when none are configured; a page then
    # parses each template once per process, not on every request.
    loaders = (
        "from django.template import engines; "
        "print(type(engines['django'].engine.template_loaders[0]).__module__)"
    )
    result = start({"DEBUG": "false", "SECRET_KEY": "x" * 50}, then=loaders)
    assert result.stdout.strip() == "django.template.loaders.cached", result.stderr


@pytest.mark.parametrize("database", ["", "sqlite:///{var}/other.sqlite3"])
def test_every_sqlite_connection_overwrites_what_it_deletes(database: str, tmp_path: Path) -> None:
    secure_delete = (
        "from django.db import connection; "
        "print(connection.cursor().execute('PRAGMA secure_delete').fetchone()[0])"
    )
    env = {"DEBUG": "true", "HEARTH_VAR_DIR": str(tmp_path)}
    if database:
        env["DATABASE_URL"] = database.format(var=tmp_path)
    result = start(env, then=secure_delete)
    assert result.stdout.strip() == "1", result.stderr


def test_production_does_not_install_the_bench_app_or_its_seed_scale_command() -> None:
    commands = (
        "from django.conf import settings; from django.core.management import get_commands; "
        "print('bench' in settings.INSTALLED_APPS, 'seed_scale' in get_commands())"
    )
    result = start({"DEBUG": "false", "SECRET_KEY": "x" * 50}, then=commands)
    assert result.stdout.split() == ["False", "False"], result.stderr


def test_the_bench_settings_install_seed_scale() -> None:
    commands = (
        "from django.core.management import get_commands; print(get_commands()['seed_scale'])"
    )
    result = start({"DJANGO_SETTINGS_MODULE": "bench.settings", "DEBUG": "true"}, then=commands)
    assert result.stdout.strip() == "bench", result.stderr


@pytest.mark.parametrize("preload", ["false", "true"])
def test_production_settings_pass_the_deploy_check_with_or_without_hsts_preload(
    preload: str,
) -> None:
    check = (
        "from django.core.management import call_command; "
        "call_command('check', deploy=True, fail_level='WARNING'); print('passed')"
    )
    env = {
        "DEBUG": "false",
        "SECRET_KEY": "a-long-and-random-production-key-" * 2,
        "SITE_URL": "https://hearth.example",
        "ALLOWED_HOSTS": "hearth.example",
        "SECURE_HSTS_PRELOAD": preload,
        # Set by the browser tests' Playwright in this process; never in a deployment.
        "DJANGO_ALLOW_ASYNC_UNSAFE": "",
    }
    result = start(env, then=check)
    assert result.stdout.strip().splitlines()[-1:] == ["passed"], result.stderr
