"""The agreements views stay thin: they read the request through forms and leave every write
to a service or model method."""

from __future__ import annotations

import ast
from pathlib import Path

import agreements.views

WRITES = {"save", "delete", "update", "create", "get_or_create", "update_or_create", "bulk_create"}


def test_no_agreements_view_writes_or_reads_a_posted_field_itself() -> None:
    source = Path(agreements.views.__file__).read_text()
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and node.attr in WRITES:
            found.append(f"line {node.lineno}: .{node.attr}")
        # request.POST.get(...), request.POST.dict(), request.POST["..."]: a form reads them.
        if isinstance(node, ast.Attribute | ast.Subscript) and _is_post(node.value):
            found.append(f"line {node.lineno}: a posted field read without a form")
    assert found == []


def _is_post(node: ast.expr) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == "POST"
