"""Hostile values, each with a name for the report. A value is text, or bytes sent as they are
(invalid UTF-8, a lone surrogate), or a list (the same name sent several times)."""

from __future__ import annotations

from urllib.parse import quote_from_bytes

Value = str | bytes | list[str]

SCRIPT = '<script>alert("hearth")</script>'
ATTRIBUTE = '"><img src=x onerror=alert("hearth")>'
# Never in an HTML answer as written: where they show, they show escaped.
RAW_INJECTIONS = (SCRIPT, ATTRIBUTE)

MARKUP: dict[str, Value] = {
    "script": SCRIPT,
    "attribute": ATTRIBUTE,
    "template syntax": "{{ 7*7 }}{% debug %}",
    "sql": "'; DROP TABLE couples_user; --",
}
# To a box a person types into, markup is just text: one value carries all of it.
ALL_MARKUP: dict[str, Value] = {"markup": " ".join(str(v) for v in MARKUP.values())}
BYTES: dict[str, Value] = {
    "nul": "a\x00b",
    "invalid utf-8": b"\xff\xfe\xc3(",
    "lone surrogate": "\ud800".encode("utf-8", "surrogatepass"),
    "repeated": ["first", "second"],
    "empty": "",
    "1 MB": "a" * 1_000_000,
}
# Written by a person and kept: stored and shown exactly as typed when accepted.
EXACT = "مرحبا \u202ereversed\u202c שלום 👩\u200d❤️\u200d👨 e\u0301 Z\u0337\u0327a\u0336"
TYPED: dict[str, Value] = {"right-to-left, emoji and combining marks": EXACT}
NUMBERS: dict[str, Value] = {
    "negative": "-1",
    # Past any 64-bit integer, yet short enough for a field that takes 20 characters.
    "huge": "9" * 20,
    "arabic-indic digits": "١٢",
    "exponent": "1e400",
}
DATES: dict[str, Value] = {
    "30 February": "2026-02-30",
    "year 0": "0000-01-01",
    "year 99999": "99999-12-31",
    "impossible moment": "2026-02-30T25:61:00",
}
ZONES: dict[str, Value] = {"unknown zone": "Mars/Olympus", "path as zone": "../../etc/passwd"}
LINKS: dict[str, Value] = {
    "other site": "//evil.example/",
    "javascript link": "javascript:alert(1)",
    "header injection": "/\r\nSet-Cookie: taken=1",
    "long path": "/" + "a" * 5000,
}

FREE_TEXT_VALUES = {
    **ALL_MARKUP,
    **{name: BYTES[name] for name in ("nul", "invalid utf-8", "lone surrogate", "1 MB")},
    **TYPED,
}
ALL = {**MARKUP, **BYTES, **TYPED, **NUMBERS, **DATES, **ZONES, **LINKS}
# For a field whose value the page chose: one of each kind.
CHOSEN_VALUES = {
    name: ALL[name]
    for name in (
        "script",
        "template syntax",
        "nul",
        "invalid utf-8",
        "lone surrogate",
        "repeated",
        "empty",
        "right-to-left, emoji and combining marks",
        "negative",
        "huge",
        "arabic-indic digits",
        "30 February",
        "year 99999",
        "impossible moment",
        "unknown zone",
        "other site",
        "header injection",
    )
}
# For the people a form was not made for, and for every query parameter at once.
SAMPLE: dict[str, Value] = {
    name: ALL[name]
    for name in (
        "script",
        "nul",
        "invalid utf-8",
        "lone surrogate",
        "huge",
        "arabic-indic digits",
        "30 February",
        "header injection",
    )
}


def encode(pairs: list[tuple[str, Value]]) -> str:
    """A form body or query string as a browser (or anything else) could send it."""
    parts = []
    for name, value in pairs:
        for one in value if isinstance(value, list) else [value]:
            raw = one if isinstance(one, bytes) else one.encode("utf-8", "surrogatepass")
            parts.append(f"{quote_from_bytes(name.encode())}={quote_from_bytes(raw)}")
    return "&".join(parts)
