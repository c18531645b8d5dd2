"""The time limits of agreements and pauses, each defined here once. Every rule, form, message
and page that names one takes it from here, in words through `in_words` (templates through
the `{% limit %}` tag)."""

from __future__ import annotations

from datetime import timedelta

from django.utils.functional import lazy
from django.utils.translation import ngettext

# An open proposal expires when nobody answered it for this long.
PROPOSAL_LIFETIME = timedelta(days=14)
# A declined proposal cannot come back unchanged for this long.
DECLINE_COOLDOWN = timedelta(days=7)
# A pause lasts at least this long (about how long a flooded body needs to settle)...
PAUSE_MIN = timedelta(minutes=20)
# ...and at most this long from when it began, extension included.
PAUSE_MAX = timedelta(hours=24)

# For this long after a pause ends, its page is the gentle way back in, not a form to start
# another one.
PAUSE_REENTRY = timedelta(hours=1)

PAUSE_MIN_MINUTES = PAUSE_MIN // timedelta(minutes=1)
PAUSE_MAX_MINUTES = PAUSE_MAX // timedelta(minutes=1)

HOUR, DAY = timedelta(hours=1), timedelta(days=1)


def in_words(span: timedelta) -> str:
    """A limit as people say it: "20 minutes", "24 hours", "14 days". A single day reads as
    24 hours, the way a pause's limit is spoken of."""
    if span % DAY == timedelta(0) and span > DAY:
        days = span // DAY
        return ngettext("%(n)d day", "%(n)d days", days) % {"n": days}
    if span % HOUR == timedelta(0):
        hours = span // HOUR
        return ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours}
    minutes = span // timedelta(minutes=1)
    return ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes}


# For messages built when a module is imported, translated when they are shown.
in_words_lazy = lazy(in_words, str)
