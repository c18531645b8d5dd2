"""What hostile values bring out: 500s, refusals without a word, injections shown unescaped,
and words not shown as typed."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from django.apps import apps
from django.db import models
from django.http import HttpResponseBase

from tests.support.hostile.payloads import RAW_INJECTIONS
from tests.support.pages import visible_words

HEARTH_APPS = ("couples", "toolkit", "checkins", "schedules", "agreements", "privacy")


@dataclass
class Findings:
    """What the hostile values brought out: every 500, every refusal without a word of
    explanation, and every injection shown as written instead of escaped."""

    count: int = 0
    errors: list[str] = field(default_factory=list)
    blank: list[str] = field(default_factory=list)
    unescaped: list[str] = field(default_factory=list)
    mangled: list[str] = field(default_factory=list)

    def check(self, label: str, response: HttpResponseBase) -> None:
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
                values += model._default_manager.filter(
                    **{f"{f.attname}__contains": marker}
                ).values_list(f.attname, flat=True)
    return values
