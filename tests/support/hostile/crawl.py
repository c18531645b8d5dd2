"""What a browser finds on Hearth's pages: the forms (their action, method and fields as the page
renders them) and the query parameters of links and htmx requests. The hostile suite attacks
what is found here, so a new form or parameter is attacked without being listed anywhere."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlsplit

from django.urls import Resolver404, resolve

# Inputs a person types into freely; every other kind (hidden, select, radio, checkbox, number,
# date, time...) holds a value the page chose, which a hostile browser can change all the same.
FREE_TEXT = {"text", "textarea", "search", "email", "url", "tel", "password"}


@dataclass
class Field:
    name: str
    kind: str
    value: str = ""
    options: list[str] = field(default_factory=list)


@dataclass
class Form:
    action: str
    method: str
    fields: list[Field] = field(default_factory=list)
    htmx: bool = False  # htmx sends it and swaps the answer into the page

    @property
    def path(self) -> str:
        return urlsplit(self.action).path

    @property
    def route(self) -> str | None:
        return route_name(self.path)

    def baseline(self) -> list[tuple[str, str]]:
        """What sending the form as shown sends: each field's value, the first option of a
        choice, and a few words in an empty box, so that one changed field reaches as far
        into the view as the form allows."""
        data: list[tuple[str, str]] = []
        for f in self.fields:
            if f.kind in {"checkbox", "radio"}:
                if f.value:
                    data.append((f.name, f.value))
            elif f.kind == "select":
                data.append((f.name, f.value or (f.options[0] if f.options else "")))
            elif f.kind == "submit":
                continue
            elif not f.value and f.kind in FREE_TEXT:
                data.append((f.name, "A calm evening walk."))
            else:
                data.append((f.name, f.value))
        data.extend(parse_qsl(urlsplit(self.action).query))
        return data

    def signature(self) -> tuple[str | None, tuple[str, ...]]:
        return self.route, tuple(sorted({f.name for f in self.fields}))


def route_name(path: str) -> str | None:
    try:
        return resolve(path).url_name
    except Resolver404:
        return None


class _Parser(HTMLParser):
    def __init__(self, page_path: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page_path = page_path
        self.forms: list[Form] = []
        self.links: list[str] = []
        self.htmx_gets: list[str] = []
        self._sharing: set[int] = set()  # forms whose buttons each send it elsewhere
        self._form: Form | None = None
        self._textarea: Field | None = None
        self._select: Field | None = None
        self._radio_seen: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        for key in ("href", "data-hx-get", "data-hx-post", "src"):
            link = a.get(key, "")
            if link.startswith("?"):
                link = self.page_path + link
            if link.startswith("/"):
                self.links.append(link)
                if key == "data-hx-get":
                    self.htmx_gets.append(link)
        if tag == "form":
            self._form = Form(
                a.get("action") or self.page_path,
                a.get("method", "get").lower(),
                htmx="data-hx-post" in a,
            )
            self.forms.append(self._form)
            self._radio_seen = set()
            return
        form = self._form
        if form is None:
            return
        if tag == "button" and a.get("type", "submit") == "submit" and a.get("formaction"):
            # A button sending its form elsewhere: a form of its own to that address, with the
            # fields before it (a list's buttons share one form and its token) and its own.
            sent = [f for f in form.fields if f.kind != "submit"]
            if a.get("name"):
                sent.append(Field(a["name"], "submit", a.get("value", "")))
            self.forms.append(Form(a["formaction"], form.method, sent))
            self._sharing.add(id(form))
            return
        if not a.get("name"):
            return
        name = a["name"]
        if tag == "input":
            kind = a.get("type", "text").lower()
            if kind in {"checkbox", "radio"}:
                checked = "checked" in a
                # The first radio of a group stands for the group when none is checked.
                value = a.get("value", "on") if checked or kind == "radio" else ""
                if kind == "radio" and (name in self._radio_seen and not checked):
                    return
                if kind == "radio" and checked:
                    form.fields = [f for f in form.fields if f.name != name]
                self._radio_seen.add(name)
                form.fields.append(Field(name, kind, value))
            elif kind not in {"button", "reset", "image", "file"}:
                form.fields.append(Field(name, kind, a.get("value", "")))
        elif tag == "textarea":
            self._textarea = Field(name, "textarea")
            form.fields.append(self._textarea)
        elif tag == "select":
            self._select = Field(name, "select")
            form.fields.append(self._select)
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            self._select.options.append(value)
            if "selected" in a:
                self._select.value = value
        elif tag == "button" and a.get("type", "submit") == "submit":
            form.fields.append(Field(name, "submit", a.get("value", "")))

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea.value += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None


@dataclass
class Page:
    forms: list[Form]
    links: list[str]
    htmx_gets: list[str]


def read_page(page_path: str, html: str) -> Page:
    parser = _Parser(page_path)
    parser.feed(html)
    forms = [f for f in parser.forms if id(f) not in parser._sharing]
    return Page(forms, parser.links, parser.htmx_gets)


def query_names(url: str) -> set[str]:
    return {name for name, _ in parse_qsl(urlsplit(url).query, keep_blank_values=True)}
