"""Helpers shared by Hearth's tests. Test modules and conftest files import from here (and from
tests.factories); no test module imports another test module or a conftest
(tests/test_layout.py checks it). Fixtures stay in the conftest files and call these.

- pages: what a reader sees of a page (`visible_words`), its markup as served (`markup`), its
  <main> (`main_content`), and the home page's query budget
- people: Alice, Bob and Charlie as the fixtures build them, signed-in clients, a new partner
  joining through an invitation link, the password entered again
- concurrency: actions released at one instant, each on its own database connection
- servers: real gunicorn processes on the test database and a browser-like visitor of them
- migrations: a database taken back to an earlier schema and brought forward again
- worker: waiting for a real Celery worker's emails
- checkins, agreements, schedules, notices, privacy: each app's test data and actions
- routes: every URL pattern, with a couple's objects to fill them in
- story: a couple one partner left and a third person joined, told through the pages
- browser: Chromium and axe-core helpers for the browser tests (tests/e2e/)
- hostile: the world, crawler, payloads and findings of the hostile-input suite
"""
