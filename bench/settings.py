"""The load benchmark's settings: Hearth's own (from the environment, as in production), with
the benchmark's URLconf, which adds the bare view that every page is measured against."""

from __future__ import annotations

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
