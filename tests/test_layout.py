"""The layout rules a reader relies on: views only read the request and call a service."""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.signals import template_rendered

from couples.models import Couple
from tests.support.pages import Response

ROOT = Path(__file__).resolve().parent.parent
APPS = (
    "config",
    "core",
    "couples",
    "checkins",
    "agreements",
    "toolkit",
    "schedules",
    "privacy",
    "notices",
)
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


def _scoping_calls(tree: ast.AST) -> list[str]:
    return [
        f"line {node.lineno}: .{node.func.attr}()"
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in {"for_couple", "get_for_couple"}
    ]


@pytest.mark.parametrize("path", _views(), ids=lambda path: path.parent.name)
def test_views_read_couple_owned_rows_through_visible_to_alone(path: Path) -> None:
    """One way to scope: `Model.objects.visible_to(membership)`; `for_couple` is write-side."""
    assert _scoping_calls(ast.parse(path.read_text())) == []


def test_the_scoping_check_finds_a_view_calling_for_couple() -> None:
    assert _scoping_calls(ast.parse("Schedule.objects.for_couple(couple).first()")) == [
        "line 1: .for_couple()"
    ]


def test_privacy_imports_no_model_of_a_domain_app() -> None:
    """Domain apps plug their export sections and erasure in (`core.registry`)."""
    imported = {
        node.module
        for path in (ROOT / "privacy").glob("*.py")
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.ImportFrom) and node.module
    }
    domain = ("checkins", "agreements", "toolkit", "schedules")
    assert sorted(m for m in imported if m.split(".")[0] in domain) == []


# What a context processor or a template tag must not do itself: read or write the database, or
# build a form. It calls a selector or service (tested on its own) or uses what the view prepared,
# so a page render never writes and the queries a page makes can be found in Python.
QUERY_METHODS = WRITES | {
    "filter",
    "exclude",
    "get",
    "annotate",
    "aggregate",
    "values",
    "values_list",
    "select_related",
    "prefetch_related",
    "order_by",
    "only",
    "defer",
    "exists",
    "first",
    "last",
    "raw",
    "extra",
    "bulk_update",
}
DATABASE_NAMES = {"connection", "connections", "transaction", "objects", "_default_manager"}


def _template_layer() -> list[Path]:
    """Every context processor module the settings name, and every template tag module."""
    from django.conf import settings

    dotted: set[str] = set()
    for engine in settings.TEMPLATES:
        options = engine.get("OPTIONS", {})
        assert isinstance(options, dict)  # django-stubs reads the settings' dicts as objects
        dotted |= {name.rsplit(".", 1)[0] for name in options.get("context_processors", [])}
    processors = [
        ROOT / f"{module.replace('.', '/')}.py" for module in dotted if module.split(".")[0] in APPS
    ]
    tags = [
        path
        for app in APPS
        for path in (ROOT / app / "templatetags").glob("*.py")
        if path.name != "__init__.py"
    ]
    return sorted(processors + tags)


def _database_or_forms(tree: ast.AST) -> list[str]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("django.db"):
            found.append(f"line {node.lineno}: imports {node.module}")
        elif isinstance(node, ast.Name) and node.id in DATABASE_NAMES:
            found.append(f"line {node.lineno}: {node.id}")
        elif isinstance(node, ast.Attribute) and node.attr in DATABASE_NAMES:
            found.append(f"line {node.lineno}: .{node.attr}")
        elif isinstance(node, ast.Call):
            called = node.func
            name = called.attr if isinstance(called, ast.Attribute) else getattr(called, "id", "")
            # A bare name's .get() or .update() is a dict's (the template context); on anything
            # else it is a query's.
            on_name = isinstance(called, ast.Attribute) and isinstance(called.value, ast.Name)
            if name in QUERY_METHODS and not (on_name and name in {"get", "update"}):
                found.append(f"line {node.lineno}: .{name}()")
            elif name.endswith(("Form", "FormSet")):
                found.append(f"line {node.lineno}: builds {name}")
    return found


def test_the_template_layer_check_walks_every_processor_and_tag_module() -> None:
    walked = {str(path.relative_to(ROOT)) for path in _template_layer()}
    assert walked >= {
        "config/context_processors.py",
        "couples/context_processors.py",
        "agreements/context_processors.py",
        "agreements/templatetags/agreements.py",
        "notices/context_processors.py",
        "notices/templatetags/notices.py",
        "schedules/templatetags/schedules.py",
        "toolkit/templatetags/toolkit.py",
    }


@pytest.mark.parametrize("path", _template_layer(), ids=lambda path: str(path.relative_to(ROOT)))
def test_no_context_processor_or_template_tag_touches_the_database_or_builds_a_form(
    path: Path,
) -> None:
    assert _database_or_forms(ast.parse(path.read_text())) == []


@pytest.mark.parametrize(
    "line",
    [
        "Membership.objects.filter(pk=1).update(partner_left_notice=False)",
        "latest = couple.pauses.order_by('-pk').first()",
        "membership.save()",
        "connection.cursor()",
        "form = PauseEmailForm(initial={'email_me': True})",
        "rows = Schedule._default_manager.all()",
        "from django.db.models import Q",
    ],
)
def test_the_template_layer_check_finds_each_kind_of_database_work(line: str) -> None:
    assert _database_or_forms(ast.parse(f"def tag(context):\n    {line}\n")) != []


@pytest.mark.parametrize(
    "line", ["request = context.get('request')", "context.update({'form': form})", "x = f(y)"]
)
def test_the_template_layer_check_lets_a_tag_read_its_context(line: str) -> None:
    assert _database_or_forms(ast.parse(f"def tag(context):\n    {line}\n")) == []


@pytest.fixture
def writes_while_rendering() -> Iterator[list[str]]:
    """The SQL that writes, run once a template has begun to render (the test client reports
    each render as it starts)."""
    found: list[str] = []
    rendering = []

    def started(**kwargs: object) -> None:
        rendering.append(True)

    def record(execute: Callable[..., Any], sql: str, *args: Any) -> Any:
        if rendering and sql.lstrip().split(" ", 1)[0].upper() in {"INSERT", "UPDATE", "DELETE"}:
            found.append(sql)
        return execute(sql, *args)

    template_rendered.connect(started)
    try:
        with connection.execute_wrapper(record):
            yield found
    finally:
        template_rendered.disconnect(started)


@pytest.mark.parametrize("path", ["/", "/checkins/", "/couple/", "/settings/"])
def test_a_page_told_that_the_partner_left_writes_nothing_while_it_renders(
    path: str, couple: Couple, alice_client: Client, bob_client: Client,
    writes_while_rendering: list[str], words: Callable[[Response], str],
) -> None:  # fmt: skip
    bob_client.post("/couple/leave/", {"tell_partner": "next_visit"})
    writes_while_rendering.clear()
    page = alice_client.get(path)
    assert "Your partner has left the space." in words(page)
    assert writes_while_rendering == []


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


def _app_imports() -> dict[str, set[str]]:
    """Which Hearth apps each app imports when it runs (imports for type hints alone aside)."""
    graph: dict[str, set[str]] = {app: set() for app in APPS}
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            tree = ast.parse(path.read_text())
            hints = {
                id(inner)
                for node in ast.walk(tree)
                if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
                for inner in ast.walk(node)
            }
            for node in ast.walk(tree):
                if id(node) in hints:
                    continue
                if isinstance(node, ast.ImportFrom) and node.module:
                    names = [node.module]
                elif isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                else:
                    continue
                graph[app] |= {n.split(".")[0] for n in names} & (set(APPS) - {app})
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str]:
    """One cycle of `graph`, or [] when it has none."""
    done: set[str] = set()

    def visit(app: str, path: list[str]) -> list[str]:
        if app in path:
            return [*path[path.index(app) :], app]
        if app in done:
            return []
        for other in sorted(graph[app]):
            if found := visit(other, [*path, app]):
                return found
        done.add(app)
        return []

    return next((found for app in sorted(graph) if (found := visit(app, []))), [])


def test_no_app_imports_an_app_that_imports_it_back() -> None:
    graph = _app_imports()
    assert graph["core"] == set()
    assert _cycle(graph) == []


def test_the_cycle_check_finds_a_cycle() -> None:
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
