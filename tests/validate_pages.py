"""`make validate`: every page and htmx partial, as each kind of person sees it, through the W3C
validator (vnu) in one Java run; any error fails. Not named test_*.py, so `make test` (which
need not have Java) leaves it out; `make validate` names it, and CI runs that."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.db import transaction
from django.test import override_settings

from tests.support.hostile.crawl import read_page
from tests.support.hostile.world import People, build, pages

ROOT = Path(__file__).resolve().parent.parent
VNU = ROOT / ".tools" / "vnu" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
OUT = ROOT / "var" / "validate"
# The couple as a member finds it: with a partner, during a pause, and alone in the space.
STATES = ("calm", "paused", "alone")
# Who opens every page: the partners, a person without a couple, a visitor, and Charlie, the
# outsider, who meets a 404 on every one of Alice's things.
PEOPLE = ("alice", "bob", "dan", "anonymous", "charlie")
# What an htmx partial is placed in, as htmx places it in a page, so vnu checks the fragment.
SHELL = '<!DOCTYPE html><html lang="en"><head><title>partial</title></head><body>{}</body></html>'

CSRF_TOKEN = re.compile(r"(?<=csrfmiddlewaretoken\" value=\")[^\"]+|(?<=X-CSRFToken\": \")[^\"]+")

pytestmark = [pytest.mark.validate, pytest.mark.django_db]


@pytest.fixture(scope="module")
def documents(django_db_setup: None, django_db_blocker: pytest.FixtureRequest) -> dict[str, str]:
    """Every distinct HTML answer: file name -> the URL (and person) it came from."""
    shutil.rmtree(OUT, ignore_errors=True)
    OUT.mkdir(parents=True)
    seen: dict[str, str] = {}
    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), fast:  # type: ignore[attr-defined]
        for state in STATES:
            with transaction.atomic():
                people = build(state)
                for who in PEOPLE:
                    collect(seen, people, who, f"{state}-{who}")
                transaction.set_rollback(True)
    return seen


def collect(seen: dict[str, str], people: People, who: str, label: str) -> None:
    client = people.client(who)
    queue = [path for _name, path in pages(people)]
    visited: set[str] = set()
    partials: set[str] = set()
    posts: dict[str, list[tuple[str, str]]] = {}
    while queue:
        path = queue.pop(0)
        if path in visited:
            continue
        visited.add(path)
        response = client.get(path, follow=True)
        client = people.still(who, client)
        body = write(seen, response, f"{label} {path}")
        if body is None:
            continue
        page = read_page(response.request["PATH_INFO"], body)
        queue += [link for link in page.links if urlsplit(link).query]
        partials |= set(page.htmx_gets)
        for form in page.forms:
            if form.htmx:
                posts.setdefault(form.action, form.baseline())
    for path in sorted(partials):
        write(seen, client.get(path, headers={"HX-Request": "true"}), f"{label} htmx {path}")
    for action, data in posts.items():
        # Each htmx answer is seen, then undone, so the next starts from the same couple.
        with transaction.atomic():
            fields: dict[str, list[str]] = {}
            for name, value in data:
                fields.setdefault(name, []).append(value)
            answer = client.post(action, fields, headers={"HX-Request": "true"})
            write(seen, answer, f"{label} htmx POST {action}")
            transaction.set_rollback(True)


def write(seen: dict[str, str], response: object, source: str) -> str | None:
    content_type = response.get("Content-Type", "")  # type: ignore[attr-defined]
    if "html" not in content_type or response.streaming:  # type: ignore[attr-defined]
        return None
    body: str = response.content.decode()  # type: ignore[attr-defined]
    if not body.strip():
        return None
    document = body if body.lstrip().lower().startswith("<!doctype") else SHELL.format(body)
    # The token differs in every answer; without it, a page seen twice is written once.
    document = CSRF_TOKEN.sub("csrf", document)
    name = hashlib.sha256(document.encode()).hexdigest()[:16] + ".html"
    if name not in seen:
        seen[name] = f"{source} -> {response.status_code}"  # type: ignore[attr-defined]
        (OUT / name).write_text(document)
    return body


def test_every_page_and_partial_passes_the_html_validator(documents: dict[str, str]) -> None:
    java = shutil.which("java")
    assert java, "install Java: apt-get install -y default-jre-headless"
    assert VNU.exists(), "install the validator: make validate"
    run = subprocess.run(
        [java, "-jar", str(VNU), "--errors-only", "--format", "json", "--skip-non-html", str(OUT)],
        capture_output=True,
        text=True,
        env={**os.environ, "LC_ALL": "C.UTF-8"},
    )
    messages = json.loads(run.stderr)["messages"]
    errors = [
        f"{documents.get(Path(urlsplit(m['url']).path).name, m['url'])}: "
        f"line {m.get('lastLine')}: {m['message']}"
        for m in messages
        if m["type"] != "info"
    ]
    assert len(documents) > 50, "the crawl found too few pages to be the whole site"
    assert not errors, f"{len(errors)} errors in {len(documents)} documents:\n" + "\n".join(errors)
