"""What the hostile suite finds on Hearth's pages before it attacks them: every form, where it
was found, and the query parameters links carry."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.http import HttpResponseBase

from tests.support.hostile.crawl import Form, query_names, read_page, route_name
from tests.support.hostile.world import DISCOVERERS, People, pages


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


def takes_post(answer: HttpResponseBase) -> bool:
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
