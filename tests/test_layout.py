"""The layout rules a reader relies on: views only read the request and call a service."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ("config", "couples", "checkins", "agreements", "toolkit", "schedules", "privacy", "notices")
WRITES = {"save", "delete", "update", "create", "bulk_create", "get_or_create", "update_or_create"}


def _views() -> list[Path]:
    return sorted(path for app in APPS for path in (ROOT / app).glob("views.py"))


def _writes(tree: ast.AST) -> list[str]:
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        name, owner = node.func.attr, node.func.value
        # A bare name's .update() is a dict's (a form's initial data); a query's is a write.
        writes = (
            name in {"save", "delete"}
            or (name == "update" and not isinstance(owner, ast.Name))
            or (name in WRITES and isinstance(owner, ast.Attribute) and owner.attr == "objects")
        )
        if writes:
            found.append(f"line {node.lineno}: .{name}()")
    return found


def _raw_post_reads(tree: ast.AST) -> list[str]:
    return [
        f"line {node.lineno}: request.{node.value.attr}[...] or .get()"
        for node in ast.walk(tree)
        if isinstance(node, ast.Subscript | ast.Attribute)
        and isinstance(node.value, ast.Attribute)
        and node.value.attr == "POST"
        and (isinstance(node, ast.Subscript) or node.attr in {"get", "getlist"})
    ]


def test_every_app_has_views_to_check() -> None:
    assert {path.parent.name for path in _views()} >= {
        "couples",
        "checkins",
        "agreements",
        "toolkit",
        "schedules",
    }


@pytest.mark.parametrize("path", _views(), ids=lambda path: path.parent.name)
def test_no_view_writes_to_the_database_itself(path: Path) -> None:
    assert _writes(ast.parse(path.read_text())) == []


@pytest.mark.parametrize("path", _views(), ids=lambda path: path.parent.name)
def test_no_view_reads_posted_fields_without_a_form(path: Path) -> None:
    assert _raw_post_reads(ast.parse(path.read_text())) == []


@pytest.mark.parametrize(
    "line",
    [
        "phrase.save(update_fields=['retired_at'])",
        "script.delete()",
        "Phrase.objects.filter(pk=1).update(position=0)",
        "Phrase.objects.create(text='x')",
        "Phrase.objects.get_or_create(text='x')",
    ],
)
def test_the_check_finds_each_kind_of_write(line: str) -> None:
    assert len(_writes(ast.parse(f"def view(request):\n    {line}\n"))) == 1


@pytest.mark.parametrize("line", ["up = request.POST.get('up')", "share = request.POST['share']"])
def test_the_check_finds_a_posted_field_read_by_hand(line: str) -> None:
    assert len(_raw_post_reads(ast.parse(f"def view(request):\n    {line}\n"))) == 1


def test_the_check_lets_a_form_read_the_request_and_a_view_fill_a_dict() -> None:
    tree = ast.parse(
        "def view(request):\n"
        "    form = PhraseForm(request.POST or None)\n"
        "    initial.update(category='home')\n"
    )
    assert _writes(tree) == []
    assert _raw_post_reads(tree) == []


# Test modules share helpers through tests/support/, never by importing one another.
IMPORTABLE_FROM_TESTS = ("tests.support", "tests.factories", "tests.settings")


def _imports_of_other_tests(tree: ast.AST) -> list[str]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            modules = [node.module]
        elif isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        else:
            continue
        found += [
            m
            for m in modules
            if (m == "tests" or m.startswith("tests."))
            and not any(m == ok or m.startswith(ok + ".") for ok in IMPORTABLE_FROM_TESTS)
        ]
    return found


def test_no_test_module_imports_another_test_module_or_a_conftest() -> None:
    tests = sorted(
        path
        for path in (ROOT / "tests").rglob("*.py")
        if path.name == "conftest.py" or path.name.startswith("test_")
    )
    assert len(tests) > 50
    found = {
        str(path.relative_to(ROOT)): imports
        for path in tests
        if (imports := _imports_of_other_tests(ast.parse(path.read_text())))
    }
    assert not found, f"import these from tests/support/ instead: {found}"


@pytest.mark.parametrize(
    "line",
    [
        "from tests.conftest import client_for",
        "from tests.test_urls import every_route",
        "import tests.checkins.conftest",
        "from tests.hostile.world import build",
    ],
)
def test_the_check_finds_a_test_importing_another_test(line: str) -> None:
    assert _imports_of_other_tests(ast.parse(line))


def test_the_check_lets_tests_import_support_and_factories() -> None:
    lines = "from tests.support.pages import visible_words\nfrom tests.factories import pair"
    assert not _imports_of_other_tests(ast.parse(lines))
