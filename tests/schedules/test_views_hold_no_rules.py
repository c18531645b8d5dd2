"""The schedule views read the request through forms, call one service or model method and
render or redirect: no view writes a row itself or reads a posted field by hand."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import schedules.views

WRITES = {
    "save",
    "delete",
    "update",
    "create",
    "bulk_create",
    "bulk_update",
    "get_or_create",
    "update_or_create",
}


def offences(source: str) -> list[str]:
    """Each write call (`x.save()`, `Model.objects.create()`…) and each hand-read posted field
    (`request.POST.get(…)`, `request.POST[…]`, `request.POST.copy()`) in `source`."""
    found: list[ast.expr] = []
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in WRITES
        ):
            found.append(node)
        posted = node.value if isinstance(node, ast.Attribute | ast.Subscript) else None
        if (
            isinstance(posted, ast.Attribute)
            and posted.attr == "POST"
            and isinstance(posted.value, ast.Name)
            and posted.value.id == "request"
        ):
            found.append(node)
    return [f"{node.lineno}: {ast.unparse(node)}" for node in found]


def test_no_schedule_view_writes_or_reads_a_posted_field_itself() -> None:
    assert offences(Path(schedules.views.__file__).read_text()) == []


@pytest.mark.parametrize(
    "line",
    [
        "schedule.save(update_fields=['paused_at'])",
        "schedule.delete()",
        "Schedule.objects.filter(pk=1).update(paused_at=None)",
        "ReminderOptOut.objects.create(offset_minutes=60)",
        "CalendarFeed.objects.update_or_create(user=user)",
        "paused = request.POST.get('paused') == '1'",
        "action = request.POST['action']",
        "data = request.POST.copy()",
    ],
)
def test_the_check_finds_each_kind_of_offence(line: str) -> None:
    assert len(offences(f"def view(request):\n    {line}\n")) == 1


def test_the_check_lets_a_form_read_the_request() -> None:
    assert offences("def view(request):\n    form = ScheduleForm(request.POST or None)\n") == []
