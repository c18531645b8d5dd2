"""What every Hearth app shares. Domain apps import from here; core imports no domain app
beyond the people and couples it is about.

- `core.errors.RefusedError`: the error every service raises when the rules refuse a request.
- `core.activity.log`: a line in the activity log both partners read.
- `core.emails`: building an email from its three templates, one-click unsubscribe headers.
- `core.time`: placing a wall-clock time of a zone in UTC, as RFC 5545 says.
- `core.registry`: what domain apps plug into (export sections, erasure, notice readability).
- `core.fastpath`: every shortcut around the ORM taken for speed, each with its bench figure.
"""
