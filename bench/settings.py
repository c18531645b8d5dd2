"""The load benchmark's settings: Hearth's own (from the environment, as in production), with
the benchmark's URLconf, which adds the bare view that every page is measured against, and the
bench app, whose `seed_scale` command fills a database for it. Production never installs it."""

from __future__ import annotations

from config.settings import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "bench"]  # noqa: F405
ROOT_URLCONF = "bench.urls"
