from __future__ import annotations

import pytest
from django.test import Client

from couples.models import User


@pytest.mark.parametrize(
    "model", ["phrase", "triggerscript", "savedtopic", "repair", "sharedvalue"]
)
def test_the_admin_has_no_page_for_anything_in_the_toolkit(db: None, model: str) -> None:
    staff = User.objects.create_superuser("admin@example.com", "a calm evening walk")
    client = Client()
    client.force_login(staff)
    assert client.get("/admin/").status_code == 200
    assert client.get(f"/admin/toolkit/{model}/").status_code == 404
    assert client.get(f"/admin/couples/{model}/").status_code == 404
