"""Time zones as a person picks them: grouped by region, each a city with its offset today
("London (GMT+0)"). The stored value stays the IANA name. Only the zones the time zone database
lists for places (zone.tab, one or more a country) are offered, not its ~600 names with their
old aliases; a zone someone already chose stays offered to them."""

from __future__ import annotations

import zoneinfo
from datetime import UTC, datetime
from functools import cache, lru_cache
from importlib import resources

from django.utils import timezone

Choices = list[tuple[str, str | list[tuple[str, str]]]]

REGIONS = {
    "Africa": "Africa",
    "America": "Americas",
    "Antarctica": "Antarctica",
    "Arctic": "Arctic",
    "Asia": "Asia",
    "Atlantic": "Atlantic Ocean",
    "Australia": "Australia",
    "Europe": "Europe",
    "Indian": "Indian Ocean",
    "Pacific": "Pacific Ocean",
}


def zone_label(name: str, now: datetime) -> str:
    """ "London (GMT+0)", "Kolkata (GMT+5:30)", "Knox, Indiana (GMT-6)"."""
    offset = now.astimezone(zoneinfo.ZoneInfo(name)).utcoffset()
    minutes = round(offset.total_seconds() / 60) if offset else 0
    hours, rest = divmod(abs(minutes), 60)
    gmt = f"GMT{'-' if minutes < 0 else '+'}{hours}" + (f":{rest:02}" if rest else "")
    place = [part.replace("_", " ") for part in name.split("/")[1:]] or [name]
    return f"{', '.join(reversed(place))} ({gmt})"


@cache
def _places() -> tuple[str, ...]:
    table = resources.files("tzdata").joinpath("zoneinfo", "zone.tab").read_text()
    rows = (line.split("\t") for line in table.splitlines() if not line.startswith("#"))
    return tuple(sorted(row[2] for row in rows if len(row) > 2))


@lru_cache(maxsize=2)
def _choices(hour: datetime) -> Choices:
    groups: dict[str, list[tuple[str, str]]] = {}
    for name in _places():
        groups.setdefault(REGIONS[name.split("/")[0]], []).append((name, zone_label(name, hour)))
    return [
        ("UTC", "UTC (GMT+0)"),
        *((region, sorted(zones, key=lambda z: z[1])) for region, zones in sorted(groups.items())),
    ]


def zone_choices(keep: str = "") -> Choices:
    """The zones to pick from, labelled with their offsets this hour, and `keep` (a zone chosen
    before) when the list would otherwise lack it."""
    hour = timezone.now().astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    choices = _choices(hour)
    if keep and keep != "UTC" and keep not in _places() and keep in zoneinfo.available_timezones():
        return [(keep, zone_label(keep, hour)), *choices]
    return choices
