"""Push is configured from the environment: both VAPID keys or neither. Without them push is
simply not offered and Hearth starts as before."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
SHOW = "from django.conf import settings as s; print(s.PUSH_ENABLED, s.VAPID_SUBJECT)"


def start(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("VAPID_", "SITE_URL"))}
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {SHOW}"],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_without_keys_push_is_not_offered_and_hearth_starts() -> None:
    result = start({})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "mailto:hearth@127.0.0.1"]


def test_with_both_keys_push_is_offered_its_subject_naming_the_site() -> None:
    result = start(
        {
            "VAPID_PUBLIC_KEY": "public",
            "VAPID_PRIVATE_KEY": "private",
            "SITE_URL": "https://hearth.example.org",
        }
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "mailto:hearth@hearth.example.org"]


def test_one_key_without_the_other_stops_start_up_naming_both() -> None:
    result = start({"VAPID_PUBLIC_KEY": "public"})
    assert result.returncode != 0
    assert "VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY are set together" in result.stderr
