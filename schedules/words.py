"""A schedule's RFC 5545 rule as a sentence people read ("Every other Wednesday at 20:30",
"On the first Monday of each month at 18:00"). Pages, emails and the readable export show this;
the rule itself appears only in the schedule form's advanced section. Every rule the form builds
has its own sentence; a rule typed by hand that reads awkwardly in words falls back to a plain
"On a rhythm of your own" rather than to the rule's text."""

from __future__ import annotations

import re
from datetime import date, datetime, time

from django.utils.formats import date_format, time_format
from django.utils.translation import gettext as _

WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
BYDAY = re.compile(r"^([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)$")


def _weekday(code: str) -> str:
    return str(
        {
            "MO": _("Monday"),
            "TU": _("Tuesday"),
            "WE": _("Wednesday"),
            "TH": _("Thursday"),
            "FR": _("Friday"),
            "SA": _("Saturday"),
            "SU": _("Sunday"),
        }[code]
    )


def _month(number: int) -> str:
    return date_format(date(2000, number, 1), "F")


def _nth(n: int) -> str | None:
    """The nth such weekday of a month: "first" ... "fifth", "last", "second to last"."""
    return {
        1: _("first"),
        2: _("second"),
        3: _("third"),
        4: _("fourth"),
        5: _("fifth"),
        -1: _("last"),
        -2: _("second to last"),
    }.get(n)


def _day_of_month(n: int) -> str | None:
    """ "1st", "22nd", "last day", "second to last day"."""
    if n == -1:
        return _("last day")
    if n == -2:
        return _("second to last day")
    if not 1 <= n <= 31:
        return None
    suffix = "th" if 11 <= n % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _listed(items: list[str]) -> str:
    """ "Monday", "Monday and Friday", "Monday, Wednesday and Friday"."""
    if len(items) < 2:
        return "".join(items)
    return _("%(some)s and %(last)s") % {"some": ", ".join(items[:-1]), "last": items[-1]}


def _every(interval: int, one: str, many: str) -> str:
    """ "each month", "every other month", "every 3 months"."""
    if interval == 1:
        return one
    if interval == 2:
        return _("every other %(unit)s") % {"unit": one.split(" ", 1)[1]}
    return many % {"n": interval}


def _parts(rule: str) -> dict[str, str]:
    return {
        key.strip(): value.strip()
        for key, _eq, value in (part.partition("=") for part in rule.upper().split(";") if part)
    }


def _days(value: str) -> list[tuple[int | None, str]] | None:
    days: list[tuple[int | None, str]] = []
    for item in value.split(","):
        match = BYDAY.match(item.strip())
        if match is None:
            return None
        days.append((int(match[1]) if match[1] else None, match[2]))
    return days


def _when(parts: dict[str, str], starts_on: date) -> str | None:
    """The days of the rule in words, or None when they read awkwardly."""
    frequency = parts.get("FREQ")
    interval = int(parts.get("INTERVAL", "1") or "1")
    days = _days(parts["BYDAY"]) if "BYDAY" in parts else []
    if days is None:
        return None
    months = [int(m) for m in parts.get("BYMONTH", "").split(",") if m]
    month_days = [int(d) for d in parts.get("BYMONTHDAY", "").split(",") if d]
    in_months = (
        _(" in %(months)s") % {"months": _listed([_month(m) for m in months])} if months else ""
    )
    plain_days = all(n is None for n, _code in days)
    if frequency in {"DAILY", "WEEKLY"} and plain_days and not month_days:
        named = [_weekday(code) for _n, code in days]
        if frequency == "DAILY" and not named:
            unit = _every(interval, _("each day"), _("every %(n)s days"))
            return (_("Every day") if interval == 1 else unit.capitalize()) + in_months
        if frequency == "DAILY" and interval != 1:
            return None
        named = named or [_weekday(WEEKDAY_CODES[starts_on.weekday()])]
        if interval == 1:
            return _("Every %(days)s") % {"days": _listed(named)} + in_months
        if interval == 2:
            return _("Every other %(days)s") % {"days": _listed(named)} + in_months
        return (
            _("Every %(n)s weeks on %(days)s") % {"n": interval, "days": _listed(named)} + in_months
        )
    if frequency == "MONTHLY":
        if months and interval != 1:
            return None
        of = (
            _listed([_month(m) for m in months])
            if months
            else _every(interval, _("each month"), _("every %(n)s months"))
        )
        if days and month_days:
            return None
        if days and plain_days:
            return _("Every %(days)s") % {"days": _listed([_weekday(c) for _n, c in days])} + (
                in_months or (" " + _("of %(of)s") % {"of": of} if interval != 1 else "")
            )
        if days:
            nths = [_nth(n) if n is not None else None for n, _code in days]
            if None in nths:
                return None
            codes = {code for _n, code in days}
            if len(codes) == 1:
                which = _("the %(nths)s %(day)s") % {
                    "nths": _listed([str(n) for n in nths]),
                    "day": _weekday(codes.pop()),
                }
            else:
                which = _listed(
                    [
                        _("the %(nth)s %(day)s") % {"nth": nth, "day": _weekday(code)}
                        for nth, (_n, code) in zip(nths, days, strict=True)
                    ]
                )
            return _("On %(which)s of %(of)s") % {"which": which, "of": of}
        named_days = [_day_of_month(d) for d in month_days or [starts_on.day]]
        if None in named_days:
            return None
        return _("On the %(days)s of %(of)s") % {
            "days": _listed([str(d) for d in named_days]),
            "of": of,
        }
    if frequency == "YEARLY":
        if len(months) > 1 or (days and month_days) or len(month_days) > 1:
            return None
        month = _month(months[0] if months else starts_on.month)
        if days:
            nth = _nth(days[0][0]) if len(days) == 1 and days[0][0] is not None else None
            if nth is None:
                return None
            on = _("the %(nth)s %(day)s of %(month)s") % {
                "nth": nth,
                "day": _weekday(days[0][1]),
                "month": month,
            }
        else:
            day = month_days[0] if month_days else starts_on.day
            if not 1 <= day <= 31:
                return None
            on = f"{day} {month}"
        if interval == 1:
            return _("Every year on %(on)s") % {"on": on}
        if interval == 2:
            return _("Every other year on %(on)s") % {"on": on}
        return _("Every %(n)s years on %(on)s") % {"n": interval, "on": on}
    return None


def _until(parts: dict[str, str]) -> str:
    if "COUNT" in parts and parts["COUNT"].isdigit():
        count = int(parts["COUNT"])
        return _(", once") if count == 1 else _(", %(n)s times") % {"n": count}
    if "UNTIL" in parts:
        digits = parts["UNTIL"][:8]
        try:
            last = datetime.strptime(digits, "%Y%m%d").date()
        except ValueError:
            return ""
        return _(", until %(date)s") % {"date": date_format(last, "DATE_FORMAT")}
    return ""


def rule_in_words(rule: str, *, starts_on: date, start_time: time) -> str:
    """ "Every Sunday at 19:00", "On the first Monday of each month at 18:00, 6 times"; a rule
    with no plain sentence reads "On a rhythm of your own, at 19:00"."""
    at = time_format(start_time, "TIME_FORMAT")
    parts = _parts(rule)
    try:
        when = _when(parts, starts_on)
    except ValueError:
        when = None
    if when is None:
        return _("On a rhythm of your own, at %(time)s") % {"time": at}
    return _("%(when)s at %(time)s") % {"when": when, "time": at} + _until(parts)
