from __future__ import annotations

from unittest import mock

import pytest
from django.db import OperationalError
from django.test import Client

from config.celery import app as celery_app


def test_healthz_answers_ok_when_database_and_broker_answer(db: None) -> None:
    response = Client().get("/healthz/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok", "failing": []}


def test_a_monitor_asking_with_head_is_told_ok_without_a_body(db: None) -> None:
    response = Client().head("/healthz/")
    assert (response.status_code, response.content) == (200, b"")


def test_a_monitor_asking_with_head_hears_of_an_unreachable_database(db: None) -> None:
    with mock.patch("django.db.backends.utils.CursorWrapper.execute", side_effect=OperationalError):
        response = Client().head("/healthz/")
    assert response.status_code == 503


def test_healthz_names_an_unreachable_broker(db: None, monkeypatch: pytest.MonkeyPatch) -> None:
    # A real connection attempt to a port where nothing listens.
    monkeypatch.setattr(celery_app.conf, "broker_url", "redis://127.0.0.1:9/0")
    response = Client().get("/healthz/")
    assert response.status_code == 503
    assert response.json()["failing"] == ["broker"]


def test_healthz_names_an_unreachable_database(db: None) -> None:
    with mock.patch("django.db.backends.utils.CursorWrapper.execute", side_effect=OperationalError):
        response = Client().get("/healthz/")
    assert response.status_code == 503
    assert response.json()["failing"] == ["database"]
