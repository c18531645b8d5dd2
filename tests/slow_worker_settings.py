"""The settings of the worker process that tests/test_celery_worker.py starts against a slow mail
server: Hearth's own (with the test run's folders, inherited through the environment), with the
Celery time limits and the outbox's sending time lowered so the test stays short."""

from __future__ import annotations

from config.settings import *  # noqa: F403

CELERY_TASK_SOFT_TIME_LIMIT = 7
CELERY_TASK_TIME_LIMIT = 10
# A send task takes no new message after this many seconds.
OUTBOX_SEND_SECONDS = 3
