"""The project: settings read from the environment (`settings.py`, `env.py`), URLs, the Celery
app, the health check and the development mail reader, and the database cache table the
embedded defaults share between processes."""

from __future__ import annotations

from config.celery import app as celery_app

__all__ = ["celery_app"]
