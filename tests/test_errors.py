from __future__ import annotations

from typing import NoReturn

import pytest
from django.http import HttpRequest
from django.test import Client
from django.urls import path

from couples.models import User
from tests.support.people import client_for


def broken_view(request: HttpRequest) -> NoReturn:
    raise RuntimeError("secret internals")


urlpatterns = [path("broken/", broken_view)]


def test_an_unknown_page_is_a_kind_404(alice: User) -> None:
    response = client_for(alice).get("/no/such/page/")
    assert response.status_code == 404
    assert "We couldn't find that page" in response.content.decode()


@pytest.mark.urls("tests.test_errors")
def test_a_server_error_never_shows_a_trace(db: None) -> None:
    client = Client(raise_request_exception=False)
    response = client.get("/broken/")
    assert response.status_code == 500
    page = response.content.decode()
    assert "Something went wrong on our side" in page
    assert "secret internals" not in page
    assert "Traceback" not in page
