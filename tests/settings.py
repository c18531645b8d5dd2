"""The test run's settings: Hearth's own, with folders of its own under var/test/ (or
$HEARTH_VAR_DIR/test/): broker folder, mail folder and SQLite test database. Running the suite
never reads, fills or purges what `make run` keeps in var/, and the servers and workers the
tests start inherit the same folder through the environment. The bench app is installed too, so
its `seed_scale` command is tested."""

from __future__ import annotations

import os
from pathlib import Path

_var_dir = os.environ.get("HEARTH_VAR_DIR") or str(Path(__file__).resolve().parent.parent / "var")
# Chosen once and inherited: xdist's workers load these settings again, in the same folder.
os.environ["HEARTH_VAR_DIR"] = os.environ.setdefault(
    "HEARTH_TEST_VAR_DIR", str(Path(_var_dir) / "test")
)

from config.settings import *  # noqa: E402, F403

INSTALLED_APPS = [*INSTALLED_APPS, "bench"]  # noqa: F405
