"""How `make lighthouse` reads a Lighthouse report: the category scores it gates on, the failing
audits it prints, and the one SEO audit a signed-in page may fail (saying `noindex`)."""

from __future__ import annotations

from typing import Any

from tests.support.lighthouse import judge, table


def report(**scores: float | None) -> dict[str, Any]:
    """A report in Lighthouse's JSON shape: every audit passes unless `scores` says otherwise
    (by id, with `-` written `_`); None is an audit Lighthouse could not run."""
    refs: dict[str, list[tuple[str, float]]] = {
        "accessibility": [("color-contrast", 7), ("label", 7), ("tabindex", 0)],
        "best-practices": [("errors-in-console", 1), ("doctype", 1)],
        "seo": [("is-crawlable", 4.04), ("meta-description", 1), ("robots-txt", 1)],
    }
    audits: dict[str, Any] = {}
    for ids in refs.values():
        for audit_id, _weight in ids:
            score = scores.get(audit_id.replace("-", "_"), 1)
            audits[audit_id] = {
                "title": f"the {audit_id} audit",
                "score": score,
                "scoreDisplayMode": "error" if score is None else "binary",
            }
    audits["robots-txt"] = {
        "title": "robots.txt",
        "score": None,
        "scoreDisplayMode": "notApplicable",
    }
    audits["color-contrast"]["details"] = {
        "items": [{"node": {"selector": "main > p.muted", "snippet": '<p class="muted">'}}]
    }
    return {
        "audits": audits,
        "categories": {
            category: {"auditRefs": [{"id": i, "weight": w} for i, w in ids]}
            for category, ids in refs.items()
        },
    }


def test_a_clean_page_scores_100_everywhere() -> None:
    score = judge(report(), "home", "mobile", signed_in=True)
    assert score.scores == {"accessibility": 100, "best-practices": 100, "seo": 100}
    assert score.failures == []


def test_a_failing_audit_lowers_its_category_and_is_named_with_its_element() -> None:
    score = judge(report(color_contrast=0), "home", "desktop", signed_in=True)
    assert score.scores["accessibility"] == 50
    assert score.failures == [
        "  accessibility: color-contrast: the color-contrast audit",
        '      main > p.muted <p class="muted">',
    ]
    assert table([score]).splitlines()[1].split() == ["home", "desktop", "50", "100", "100"]


def test_an_audit_lighthouse_could_not_run_counts_as_failed() -> None:
    score = judge(report(errors_in_console=None), "pause", "mobile", signed_in=True)
    assert score.scores["best-practices"] == 50
    assert score.failures == ["  best-practices: errors-in-console: the errors-in-console audit"]


def test_a_signed_in_page_may_ask_not_to_be_indexed() -> None:
    score = judge(report(is_crawlable=0), "settings", "mobile", signed_in=True)
    assert score.scores["seo"] == 100
    assert score.failures == []


def test_a_public_page_must_stay_findable() -> None:
    score = judge(report(is_crawlable=0), "landing", "mobile", signed_in=False)
    assert score.scores["seo"] == 20
    assert score.failures == ["  seo: is-crawlable: the is-crawlable audit"]


def test_a_signed_in_page_still_needs_the_rest_of_seo() -> None:
    score = judge(report(is_crawlable=0, meta_description=0), "home", "mobile", signed_in=True)
    assert score.scores["seo"] == 0
    assert score.failures == ["  seo: meta-description: the meta-description audit"]
