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
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from pytest_django.live_server_helper import LiveServer

from checkins.models import current_week, week_label
from tests.support.hostile.world import build
from tests.support.lighthouse import CATEGORIES, Score, judge, table
from tests.support.people import client_for

ROOT = Path(__file__).resolve().parent.parent
LIGHTHOUSE = ROOT / ".tools" / "lighthouse" / "node_modules" / "lighthouse" / "cli" / "index.js"
CHROMIUM = Path(os.environ.get("CHROME_PATH", "/usr/bin/chromium"))
OUT = ROOT / "var" / "lighthouse"
# Lighthouse's default is the phone (a Moto G Power's screen); LIGHTHOUSE_FORM_FACTORS="mobile"
# checks only that one.
# LIGHTHOUSE_PAGES="home,pause" runs only those (a quick look while changing a page).
FORM_FACTORS = os.environ.get("LIGHTHOUSE_FORM_FACTORS", "mobile desktop").split()
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run"

# (name, path, signed in as Alice?)
PAGES: tuple[tuple[str, str, bool], ...] = (
    ("landing", "/", False),
    ("login", "/accounts/login/", False),
    ("signup", "/accounts/signup/", False),
    ("home", "/", True),
    # This week's own address: Lighthouse scores the page a redirect leads to with the cookies
    # Chrome was handed, not the session given as a header (it then scores the login page).
    ("check-in week", "/checkins/{this_week}/", True),
    ("history", "/checkins/", True),
    ("agreements", "/agreements/", True),
    ("pause", "/pause/", True),
    ("schedule", "/schedule/", True),
    ("toolkit", "/toolkit/", True),
    ("our space", "/couple/", True),
    ("settings", "/settings/", True),
)

pytestmark = pytest.mark.django_db(transaction=True)


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
    this_week = week_label(current_week(people.couple))

    only = [n.strip() for n in os.environ.get("LIGHTHOUSE_PAGES", "").split(",") if n.strip()]
    results: list[Score] = []
    for name, path, signed_in in PAGES:
        if only and name not in only:
            continue
        for form_factor in FORM_FACTORS:
            url = live_server.url + path.format(this_week=this_week)
            report = run_lighthouse(url, alice if signed_in else "", form_factor, name)
            score = judge(report, name, form_factor, signed_in=signed_in)
            final = report["finalDisplayedUrl"]
            if (not signed_in and final != url) or "/accounts/login/" in final.removeprefix(url):
                score.failures.append(f"  scored {final} instead (signed out?)")
            results.append(score)

    print("\n" + table(results))
    failed = [r for r in results if r.failures]
    detail = "\n".join(f"{r.page} ({r.form_factor}):\n" + "\n".join(r.failures) for r in failed)
    assert not failed, (
        f"{len(failed)} of {len(results)} page runs below 100 (reports in {OUT}):\n{detail}"
    )
