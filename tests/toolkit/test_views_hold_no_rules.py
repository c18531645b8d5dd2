"""The toolkit's views read the request through forms, call one service and render or redirect:
no view writes a row itself or reads a posted field by hand."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

VIEWS = Path(__file__).resolve().parents[2] / "toolkit" / "views.py"

WRITES = {"save", "delete", "update", "create", "bulk_create", "bulk_update", "get_or_create"}


def offences(source: str) -> list[str]:
    """Each write call (`x.save()`, `Model.objects.create()`…) and each hand-read posted field
    (`request.POST.get(…)`, `request.POST[…]`) in `source`, as "line: code"."""
    found = []
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


def test_no_toolkit_view_writes_or_reads_a_posted_field_itself() -> None:
    assert offences(VIEWS.read_text()) == []


@pytest.mark.parametrize(
    ("line", "offence"),
    [
        ("phrase.save(update_fields=['retired_at'])", "phrase.save(update_fields=['retired_at'])"),
        ("script.delete()", "script.delete()"),
        ("Phrase.objects.filter(pk=1).update(position=0)", "Phrase.objects.filter(pk=1).update("),
        ("Phrase.objects.create(text='x')", "Phrase.objects.create(text='x')"),
        ("up = request.POST.get('direction') == 'up'", "request.POST.get"),
        ("share = request.POST['share']", "request.POST['share']"),
    ],
)
def test_the_check_finds_each_kind_of_offence(line: str, offence: str) -> None:
    found = offences(f"def view(request):\n    {line}\n")
    assert len(found) == 1
    assert found[0].startswith(f"2: {offence}")


def test_the_check_lets_a_form_read_the_request() -> None:
    assert offences("def view(request):\n    form = PhraseForm(request.POST or None)\n") == []
