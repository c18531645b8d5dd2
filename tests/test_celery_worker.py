"""Real Celery workers on the configured broker (the filesystem broker locally, Redis in CI's
second run): one picks up the invitation task and sends the email; one started as the Procfile
starts it sends reminders to a mail server that answers slowly, each exactly once. And the task
modules import no service at module level (the services enqueue the tasks)."""

from __future__ import annotations

import ast
import asyncio
import fcntl
import os
import re
import shlex
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from django.conf import settings
from django.core import mail
from django.utils import timezone

from config.celery import app as celery_app
from couples import services
from schedules import tasks
from schedules.models import ReminderDelivery, Schedule
from tests.factories import UserFactory, pair
from tests.support.servers import free_port, url_of_test_database
from tests.support.worker import wait_for_mail

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_sends_the_invitation_email(real_worker: None) -> None:
    alice = UserFactory.create(display_name="Alice")
    couple = pair(alice)
    services.invite_partner(couple=couple, inviter=alice, email="bob@example.com")

    wait_for_mail(1)
    assert [m.to for m in mail.outbox] == [["bob@example.com"]]
    assert "/join/" in mail.outbox[0].body


@pytest.mark.parametrize("path", sorted(ROOT.glob("*/tasks.py")), ids=lambda p: p.parent.name)
def test_a_task_module_imports_services_only_inside_its_tasks(path: Path) -> None:
    module_level = [
        node
        for node in ast.parse(path.read_text()).body
        if isinstance(node, ast.ImportFrom)
        and (
            (node.module or "").endswith("services")
            or any(alias.name == "services" for alias in node.names)
        )
    ]
    assert module_level == []


# A mail server that takes 2 s to accept each message -------------------------------------

SECONDS_PER_MESSAGE = 2


@dataclass
class SlowServer:
    """Takes SECONDS_PER_MESSAGE to accept each message (it has it once it answers 250) and
    keeps the Message-ID of every message it accepted."""

    message_ids: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        await asyncio.sleep(SECONDS_PER_MESSAGE)
        content = envelope.original_content or b""
        found = re.search(rb"^Message-ID:\s*(\S+)", content, re.MULTILINE | re.IGNORECASE)
        with self.lock:
            self.message_ids.append(found.group(1).decode() if found else "")
        return "250 OK"


@pytest.fixture
def slow_server() -> Iterator[tuple[SlowServer, int]]:
    server = SlowServer()
    port = free_port()
    controller = Controller(server, hostname="127.0.0.1", port=port)
    controller.start()
    yield server, port
    controller.stop()


@pytest.fixture
def worker_process(slow_server: tuple[SlowServer, int], tmp_path: Path) -> Iterator[None]:
    """The Procfile's worker as its own process on the test database, sending over SMTP to the
    slow server, with the time limits of tests/slow_worker_settings.py. One real worker at a time (see `real_worker`)."""
    _server, port = slow_server
    procfile = (ROOT / "Procfile").read_text()
    [command] = [
        line.split(":", 1)[1] for line in procfile.splitlines() if line.startswith("worker:")
    ]
    args = shlex.split(command)
    assert args[0] == "celery"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.slow_worker_settings",
        "DATABASE_URL": url_of_test_database(),
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(port),
        "SMTP_USE_TLS": "false",
    }
    log_path = tmp_path / "worker.log"
    with open(settings.VAR_DIR / "real-worker.lock", "w") as lock, open(log_path, "wb") as log:
        fcntl.flock(lock, fcntl.LOCK_EX)
        celery_app.conf.task_always_eager = False
        celery_app.control.purge()
        process = subprocess.Popen(
            [sys.executable, "-m", *args],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            yield
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            if process.returncode not in (0, -15):
                print(log_path.read_text())


def couples_with_a_reminder_due_now(count: int) -> None:
    """`count` couples of two, each with a daily conversation starting in 30 minutes whose
    1-hour reminder is due."""
    now = timezone.now()
    for _ in range(count):
        couple = pair(UserFactory.create(), UserFactory.create())
        couple.schedules.all().delete()
        start = (now + timedelta(minutes=30)).astimezone(couple.tz)
        schedule = Schedule(
            couple=couple,
            kind=Schedule.Kind.CHECKIN,
            title="Daily",
            rrule="FREQ=DAILY",
            starts_on=start.date(),
            start_time=start.time().replace(second=0, microsecond=0),
            time_zone=couple.time_zone,
            reminder_offsets=[60],
        )
        schedule.next_reminder_at = schedule.first_reminder_after(now - timedelta(hours=1))
        schedule.save()


@pytest.mark.django_db(transaction=True)
def test_a_slow_mail_server_gets_every_reminder_of_a_batch_too_long_for_one_task_once(
    slow_server: tuple[SlowServer, int], worker_process: None
) -> None:
    server, _port = slow_server
    couples_with_a_reminder_due_now(3)  # six reminders: 12 s of the server's time

    tasks.dispatch_reminders.delay()

    sent = ReminderDelivery.objects.filter(status=ReminderDelivery.Status.SENT)
    deadline = time.monotonic() + 40
    while (sent.count() < 6 or len(server.message_ids) < 6) and time.monotonic() < deadline:
        time.sleep(0.2)
    rows = dict(sent.values_list("pk", "message_id"))
    # Every row sent, and the server got each message once.
    assert len(rows) == 6
    assert len(server.message_ids) == len(set(server.message_ids)) == 6
    assert sorted(server.message_ids) == sorted(rows.values())
