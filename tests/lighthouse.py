"""`make lighthouse`: Lighthouse (12.2.3, from the npm registry) on Debian's Chromium over the
main pages of a live Hearth server, as a visitor and as Alice, signed in with a partner; each page
must score 100 in accessibility, best practices and SEO. Not named test_*.py, so `make test`
(which need not have Node) leaves it out; `make lighthouse` names it, and CI runs that.

SEO and privacy. Lighthouse's `is-crawlable` audit fails a page that tells search engines not to
index it (`<meta name="robots" content="noindex">` or `X-Robots-Tag: noindex`). The public pages
(landing, login, sign-up) must be findable, so they are scored exactly as Lighthouse scores them.
A signed-in page is never seen by a crawler (a visitor asking for it is sent to the login page),
and saying `noindex` on it is a privacy protection Hearth may add at any time: on those pages a
failing `is-crawlable` is left out and SEO is the weighted mean of the other SEO audits, which
must still be 100. Every other audit counts as Lighthouse counts it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from pytest_django.live_server_helper import LiveServer

from tests.support.hostile.world import build
from tests.support.people import client_for

ROOT = Path(__file__).resolve().parent.parent
LIGHTHOUSE = ROOT / ".tools" / "lighthouse" / "node_modules" / "lighthouse" / "cli" / "index.js"
CHROMIUM = Path(os.environ.get("CHROME_PATH", "/usr/bin/chromium"))
OUT = ROOT / "var" / "lighthouse"
CATEGORIES = ("accessibility", "best-practices", "seo")
# Lighthouse's default is the phone (a Moto G Power's screen); LIGHTHOUSE_FORM_FACTORS="mobile"
# checks only that one.
# LIGHTHOUSE_PAGES="home,pause" runs only those (a quick look while changing a page).
FORM_FACTORS = os.environ.get("LIGHTHOUSE_FORM_FACTORS", "mobile desktop").split()
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run"
NOT_SCORED = {"notApplicable", "manual", "informative", "error"}

# (name, path, signed in as Alice?)
PAGES: tuple[tuple[str, str, bool], ...] = (
    ("landing", "/", False),
    ("login", "/accounts/login/", False),
    ("signup", "/accounts/signup/", False),
    ("home", "/", True),
    ("check-in week", "/checkins/this-week/", True),
    ("history", "/checkins/", True),
    ("agreements", "/agreements/", True),
    ("pause", "/pause/", True),
    ("schedule", "/schedule/", True),
    ("toolkit", "/toolkit/", True),
    ("our space", "/couple/", True),
    ("settings", "/settings/", True),
)

pytestmark = pytest.mark.django_db(transaction=True)


@dataclass
class Score:
    page: str
    form_factor: str
    scores: dict[str, float]
    failures: list[str]


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
            items = (audit.get("details") or {}).get("items") or []
            for item in items[:5]:
                node = item.get("node") or {}
                where = node.get("selector") or item.get("url") or item.get("source") or ""
                said = node.get("snippet") or item.get("description") or ""
                lines.append(f"      {where} {said}".rstrip()[:300])
    return lines


def run_lighthouse(url: str, cookie: str, form_factor: str, name: str) -> dict[str, Any]:
    out = OUT / f"{name.replace(' ', '-')}-{form_factor}.json"
    command = [
        "node",
        str(LIGHTHOUSE),
        url,
        f"--only-categories={','.join(CATEGORIES)}",
        "--output=json",
        f"--output-path={out}",
        f"--chrome-flags={CHROME_FLAGS}",
        "--quiet",
    ]
    if form_factor == "desktop":
        command.append("--preset=desktop")
    if cookie:
        command.append(f"--extra-headers={json.dumps({'Cookie': cookie})}")
    env = {**os.environ, "CHROME_PATH": str(CHROMIUM)}
    run = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)
    assert run.returncode == 0, f"Lighthouse failed on {url}:\n{run.stderr[-3000:]}"
    report: dict[str, Any] = json.loads(out.read_text())
    if report.get("runtimeError"):
        pytest.fail(f"Lighthouse could not load {url}: {report['runtimeError']}", pytrace=False)
    return report


def test_the_main_pages_score_100_in_lighthouse(live_server: LiveServer) -> None:
    assert shutil.which("node"), "install Node: apt-get install -y nodejs npm"
    assert LIGHTHOUSE.exists(), "install Lighthouse: make lighthouse"
    assert CHROMIUM.exists(), "install Chromium: apt-get install -y chromium"
    shutil.rmtree(OUT, ignore_errors=True)
    OUT.mkdir(parents=True)
    people = build("calm")
    session = client_for(people.alice).cookies[settings.SESSION_COOKIE_NAME].value
    alice = f"{settings.SESSION_COOKIE_NAME}={session}"

    only = [n.strip() for n in os.environ.get("LIGHTHOUSE_PAGES", "").split(",") if n.strip()]
    results: list[Score] = []
    for name, path, signed_in in PAGES:
        if only and name not in only:
            continue
        for form_factor in FORM_FACTORS:
            url = live_server.url + path
            report = run_lighthouse(url, alice if signed_in else "", form_factor, name)
            crawlable = report["audits"]["is-crawlable"]["score"] == 1
            # A private page may ask not to be indexed (see the module's docstring).
            excused = {"is-crawlable"} if signed_in and not crawlable else set()
            scores = {
                c: category_score(report, c, excused if c == "seo" else set()) for c in CATEGORIES
            }
            failures = [line for c in CATEGORIES for line in failing_audits(report, c, excused)]
            if not signed_in and report["finalDisplayedUrl"] != url:
                failures.append(f"  redirected to {report['finalDisplayedUrl']}")
            results.append(Score(name, form_factor, scores, failures))

    print("\n" + table(results))
    failed = [r for r in results if r.failures]
    detail = "\n".join(f"{r.page} ({r.form_factor}):\n" + "\n".join(r.failures) for r in failed)
    assert not failed, (
        f"{len(failed)} of {len(results)} page runs below 100 (reports in {OUT}):\n{detail}"
    )


def table(results: list[Score]) -> str:
    head = f"{'page':<16}{'form':<9}" + "".join(f"{c:>16}" for c in CATEGORIES)
    rows = [
        f"{r.page:<16}{r.form_factor:<9}" + "".join(f"{r.scores[c]:>16.0f}" for c in CATEGORIES)
        for r in results
    ]
    return "\n".join([head, *rows])
