"""What every Hearth app shares. Domain apps import from here; core imports no other Hearth app
when it runs (couples' models only for type hints), so nothing cycles through it. It is an
installed app for the activity log's model (`core.models.ActivityEntry`), the outbox rows'
abstract shape, its one page (one-click unsubscribe) and its template folder.

- `core.errors.RefusedError`: the error every service raises when the rules refuse a request.
- `core.activity.log`: a line in the activity log both partners read.
- `core.emails`: building an email from its three templates (`make_message`, `send`), one-click
  unsubscribe headers (`one_click_unsubscribe`), the host name of Message-IDs (`mail_domain`).
- `core.time`: placing a wall-clock time of a zone in UTC, as RFC 5545 says.
- `core.who`: who wrote this ("you", the partner, "a former partner"); in templates
  `{% load who %}{% who person_id %}` (`couples/templatetags/who.py`).
- `core.registry`: what domain apps plug into (export sections and account keys, erasure,
  notice readability, `readable_through` for a model's "what this member may read" selector).
- `core.outbox.send`: the claimed, leased, at-most-once send of emails owed on a schedule, each
  marked sent once the mail server accepted it, within OUTBOX_SEND_SECONDS; its rows extend
  `core.models.Outbound` (reminders, notice emails).
- `core.unsubscribe.Unsubscribe` and `core.views.unsubscribe`: one signed link, view and page
  (templates/core/unsubscribe.html) for every email a person can stop from the email itself.
- `core.fastpath`: every shortcut around the ORM taken for speed, each with its bench figure.
- `core.erasure.empty_the_log`: after an erasure, SQLite's write-ahead log is emptied so erased
  words leave the files.
"""
