"""Scores from Lighthouse's JSON report, as `make lighthouse` (tests/lighthouse.py) gates them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

CATEGORIES = ("accessibility", "best-practices", "seo")
# Audits that carry no score of their own. An audit Lighthouse could not run ("error") is not
# among them: it counts as failed, so a broken run never passes as a clean one.
NOT_SCORED = {"notApplicable", "manual", "informative"}


@dataclass
class Score:
    page: str
    form_factor: str
    scores: dict[str, float]
    failures: list[str]


def judge(report: dict[str, Any], page: str, form_factor: str, *, signed_in: bool) -> Score:
    """The page's three scores and the audits that keep any below 100.

    A signed-in page may ask search engines not to index it (tests/lighthouse.py says why):
    there a failing `is-crawlable` is left out of SEO; everywhere else every audit counts."""
    crawlable = report["audits"]["is-crawlable"]["score"] == 1
    excused = {"is-crawlable"} if signed_in and not crawlable else set()
    scores = {c: category_score(report, c, excused) for c in CATEGORIES}
    failures = [line for c in CATEGORIES for line in failing_audits(report, c, excused)]
    return Score(page, form_factor, scores, failures)


def category_score(report: dict[str, Any], category: str, excused: set[str]) -> float:
    """The category's score as Lighthouse weighs it, without the audits in `excused`."""
    total = weight = 0.0
    for ref in report["categories"][category]["auditRefs"]:
        audit = report["audits"][ref["id"]]
        if ref["id"] in excused or audit["scoreDisplayMode"] in NOT_SCORED or not ref["weight"]:
            continue
        total += ref["weight"] * (audit["score"] or 0)
        weight += ref["weight"]
    return round(100 * total / weight) if weight else 100.0


def failing_audits(report: dict[str, Any], category: str, excused: set[str]) -> list[str]:
    lines = []
    for ref in report["categories"][category]["auditRefs"]:
        audit = report["audits"][ref["id"]]
        if ref["id"] in excused or audit["scoreDisplayMode"] in NOT_SCORED or not ref["weight"]:
            continue
        if (audit["score"] or 0) < 1:
            lines.append(f"  {category}: {ref['id']}: {audit['title']}")
            if audit.get("errorMessage"):
                lines.append(f"      Lighthouse could not run it: {audit['errorMessage']}")
            items = (audit.get("details") or {}).get("items") or []
            for item in items[:5]:
                node = item.get("node") or {}
                where = node.get("selector") or item.get("url") or item.get("source") or ""
                said = node.get("snippet") or item.get("description") or ""
                lines.append(f"      {where} {said}".rstrip()[:300])
    return lines


def table(results: list[Score]) -> str:
    head = f"{'page':<16}{'form':<9}" + "".join(f"{c:>16}" for c in CATEGORIES)
    rows = [
        f"{r.page:<16}{r.form_factor:<9}" + "".join(f"{r.scores[c]:>16.0f}" for c in CATEGORIES)
        for r in results
    ]
    return "\n".join([head, *rows])
