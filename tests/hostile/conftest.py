from __future__ import annotations

import html
import re
from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.db import models, transaction
from django.http import HttpResponse
from django.test import override_settings

from tests.conftest import visible_words
from tests.hostile.crawl import Form, query_names, read_page, route_name
from tests.hostile.payloads import RAW_INJECTIONS
from tests.hostile.world import DISCOVERERS, STATES, People, build, pages

HEARTH_APPS = ("couples", "toolkit", "checkins", "schedules", "agreements", "privacy")


@dataclass
class SiteMap:
    """Where each form was found: the URL name it posts to -> (state, person, page), the page
    as its place in `pages()` (the same in every world) or, for a page a link led to, its path;
    and the query parameters seen on links and GET forms, by the URL name they lead to."""

    forms: dict[str, tuple[str, str, int | str]] = field(default_factory=dict)
    queries: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    accepts_post: set[str] = field(default_factory=set)
    field_names: set[str] = field(default_factory=set)

    def query_names(self) -> set[str]:
        return set().union(*self.queries.values())


@pytest.fixture(scope="session")
def site_map(django_db_setup: None, django_db_blocker: pytest.FixtureRequest) -> SiteMap:
    """Opens every page as each member, in each state of the couple, and notes what it finds.
    Everything it writes is rolled back."""
    found = SiteMap()
    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), fast, transaction.atomic():  # type: ignore[attr-defined]
        for state, where in STATES.items():
            with transaction.atomic():
                discover(found, build(state), state, where)
                transaction.set_rollback(True)
        transaction.set_rollback(True)
    return found


def discover(found: SiteMap, people: People, state: str, where: tuple[str, ...]) -> None:
    alice = people.client("alice")
    # Pages that answer GET, as Alice's OPTIONS request learns; the others take only a POST.
    gettable: list[tuple[str, str, int | str]] = []
    for i, (name, path) in enumerate(pages(people)):
        if not name.startswith(where):
            continue
        allowed = alice.options(path)
        if takes_post(allowed):
            found.accepts_post.add(name)
        if "GET" in allowed.get("Allow", "GET"):
            gettable.append((name, path, i))
    for who in DISCOVERERS:
        client = people.client(who)
        visited: set[str] = set()
        queue = list(gettable)
        while queue:
            name, path, ref = queue.pop(0)
            if path in visited:
                continue
            visited.add(path)
            response = client.get(path, follow=True)
            client = people.still(who, client)
            if response.status_code != 200 or "html" not in response["Content-Type"]:
                continue
            page = read_page(response.request["PATH_INFO"], response.getvalue().decode())
            for form in page.forms:
                if form.route is None:
                    continue
                if form.method == "post":
                    found.forms.setdefault(form.route, (state, who, ref))
                    found.field_names |= {f.name for f in form.fields}
                else:
                    found.queries[form.route] |= {f.name for f in form.fields}
            for link in page.links:
                target = route_name(urlsplit(link).path)
                if target and urlsplit(link).query:
                    found.queries[target] |= query_names(link)
                    # A page a link's parameters lead to may show a form of its own.
                    queue.append((target, link, link))


def takes_post(answer: HttpResponse) -> bool:
    """What an OPTIONS request tells of a view: the methods it allows."""
    if "Allow" in answer:
        return "POST" in answer["Allow"]
    return answer.status_code != 405


def page_path(people: People, ref: int | str) -> str:
    return list(pages(people))[ref][1] if isinstance(ref, int) else ref


def forms_for(people: People, who: str, page_path: str, target: str) -> list[Form]:
    response = people.client(who).get(page_path, follow=True)
    forms = read_page(response.request["PATH_INFO"], response.getvalue().decode()).forms
    unique = {f.signature(): f for f in forms if f.method == "post" and f.route == target}
    return list(unique.values())


@dataclass
class Findings:
    """What the hostile values brought out: every 500, every refusal without a word of
    explanation, and every injection shown as written instead of escaped."""

    count: int = 0
    errors: list[str] = field(default_factory=list)
    blank: list[str] = field(default_factory=list)
    unescaped: list[str] = field(default_factory=list)
    mangled: list[str] = field(default_factory=list)

    def check(self, label: str, response: HttpResponse) -> None:
        self.count += 1
        status = response.status_code
        label = f"{label} -> {status}"
        if status >= 500:
            self.errors.append(label)
            return
        body = response.getvalue().decode(errors="replace")
        if "html" not in response.get("Content-Type", ""):
            return
        if status >= 400 and not refusal_message(body):
            self.blank.append(label)
        if any(raw in body for raw in RAW_INJECTIONS):
            self.unescaped.append(label)

    def check_exact(self, label: str, marker: str, value: str, body: str) -> None:
        """Wherever the typed words show, they show whole and escaped once."""
        shown = body.count(marker)
        if shown and body.count(html.escape(value)) < shown:
            self.mangled.append(f"{label}: shown as {body[body.index(marker) - 20 :][:200]!r}")

    def assert_clean(self, record: object) -> None:
        record("hostile_cases", self.count)  # type: ignore[operator]
        problems = {
            "500 responses": self.errors,
            "refusals without a message": self.blank,
            "injections shown unescaped": self.unescaped,
            "words not shown as typed": self.mangled,
        }
        found = {k: v for k, v in problems.items() if v}
        assert not found, "\n".join(
            f"{kind} ({len(cases)}):\n  " + "\n  ".join(cases) for kind, cases in found.items()
        )


def refusal_message(body: str) -> str:
    main = re.search(r"<main\b.*?</main>", body, re.DOTALL)
    return visible_words(main.group(0) if main else body)


def stored_values(marker: str) -> list[str]:
    """Every text stored anywhere in Hearth's tables that contains `marker`."""
    values: list[str] = []
    for model in apps.get_models():
        if model._meta.app_label not in HEARTH_APPS:
            continue
        for f in model._meta.concrete_fields:
            if isinstance(f, models.CharField | models.TextField):
                values += model.objects.filter(**{f"{f.attname}__contains": marker}).values_list(
                    f.attname, flat=True
                )
    return values
