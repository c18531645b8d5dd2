"""A person's export: everything they wrote plus the couple's shared records, as JSON
(docs/export.md, docs/export.schema.json) or as one readable HTML page.

privacy/ owns the file: the account and couple records, the order of the sections, their
headings and the page. Each section comes from the app it belongs to, which registers it
(`core.registry.export_section`, in the app's `exports.py`) and reads its records through the
model's `visible_to`, the rule the app itself reads them by, so the file never holds more than
the person can read in Hearth: never the partner's drafts, trigger scripts or topics saved for
therapy, and nothing the partners before them shared before they joined.

Both formats are streamed. Each kind of record is one query read with `.iterator()`, so memory
holds a chunk of rows at a time and the number of queries does not grow with the history;
nested records (a week's entries and their reflections, an agreement's versions) come from
their own query sorted like their parents and are matched while walking both
(`core.registry.Children`)."""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from functools import cache

from allauth.account.models import EmailAddress
from django.template.loader import get_template, render_to_string
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from core import registry
from core.registry import Record
from core.who import Who, who
from couples.models import Membership, User

SCHEMA_VERSION = 1
# Bytes gathered before a piece of the file is handed to the server.
WRITE_SIZE = 64 * 1024


@dataclass(frozen=True)
class Reader:
    """The person exporting, their place in a couple (None without one) and their partner. The
    JSON holds who did something as a role ("you", "partner", "former_partner"); the page shows
    the name ("You", the partner's name, "A former partner")."""

    user: User
    membership: Membership | None
    partner: Membership | None

    @classmethod
    def of(cls, user: User, membership: Membership | None) -> Reader:
        partner = None
        if membership is not None:
            partner = (
                Membership.objects.select_related("user")
                .filter(couple_id=membership.couple_id)
                .exclude(user_id=user.pk)
                .first()
            )
        return cls(user=user, membership=membership, partner=partner)

    def who(self, user_id: int | None) -> Who:
        members = [self.user] if self.partner is None else [self.user, self.partner.user]
        return who(user_id, reader_id=self.user.pk, members=members)

    def who_if(self, happened: object, user_id: int | None) -> Who | None:
        """`who` for something that may not have happened yet (an answer, a response)."""
        return self.who(user_id) if happened else None

    def today(self) -> date:
        return timezone.localdate(timezone=self.user.tz)

    def filename(self, extension: str) -> str:
        return f"hearth-export-{self.today().isoformat()}.{extension}"


# What each part of the file is, in order; the page's headings and the words shown when a part
# is empty. The app each belongs to writes its records (`core.registry.export_section`).
SECTIONS: dict[str, tuple[Promise, Promise]] = {
    "checkins": (_("Weekly check-ins"), _("No check-in weeks yet.")),
    "agreements": (_("Agreements"), _("No agreements yet.")),
    "pauses": (_("Pauses"), _("No pauses yet.")),
    "repairs": (_("Repairs"), _("No repairs yet.")),
    "trigger_scripts": (_("Your trigger scripts"), _("No trigger scripts yet.")),
    "saved_for_therapy": (_("Your topics saved for therapy"), _("No topics saved yet.")),
    "vocabulary": (_("Your shared words"), _("No shared words yet.")),
    "values": (_("Your shared values"), _("No shared values yet.")),
    "schedules": (_("Scheduled conversations"), _("No scheduled conversations yet.")),
    "activity": (_("What changed in your space"), _("Nothing recorded yet.")),
}
# The apps' parts of the account record, in order (`core.registry.export_account`).
ACCOUNT_PARTS = ("notices", "push_devices", "schedules")


# Records


def account(reader: Reader) -> Record:
    """The person's account, with the keys each app adds (`core.registry.export_account`), read
    in one query."""
    parts = [registry.ACCOUNT_PARTS[name] for name in ACCOUNT_PARTS]
    related = [relation for relations, _part in parts for relation in relations]
    user = User.objects.select_related(*related).filter(pk=reader.user.pk).get()
    emails = EmailAddress.objects.filter(user=user).order_by("-primary", "email")
    record: Record = {
        "id": user.pk,
        "email": user.email,
        "display_name": user.display_name,
        "time_zone": user.time_zone,
        "date_joined": user.date_joined,
        "email_addresses": [
            {"email": e.email, "verified": e.verified, "primary": e.primary} for e in emails
        ],
    }
    for _relations, part in parts:
        record.update(part(user))
    return record


def couple(reader: Reader) -> Record | None:
    if reader.membership is None:
        return None
    space = reader.membership.couple
    partner = None
    if reader.partner is not None:
        partner = {
            "display_name": reader.partner.user.display_name,
            "joined_at": reader.partner.joined_at,
        }
    return {
        "id": space.pk,
        "name": space.name,
        "time_zone": space.time_zone,
        "created_at": space.created_at,
        "you_joined_at": reader.membership.joined_at,
        "partner": partner,
    }


def _records(reader: Reader, section: str) -> Iterator[Record]:
    if reader.membership is None:
        return iter(())
    return registry.EXPORT_SECTIONS[section](reader, reader.membership)


# JSON


def _json_value(value: object) -> object:
    if isinstance(value, Who):
        return value.role
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, time):
        return value.isoformat(timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Promise):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not part of the export")


def _dumps(value: object) -> str:
    return json.dumps(value, default=_json_value, ensure_ascii=False)


def json_export(reader: Reader) -> Iterator[bytes]:
    """The export as JSON (docs/export.md): one object whose lists are written record by
    record."""

    def parts() -> Iterator[str]:
        now = timezone.now()
        yield "{\n"
        yield f'"schema_version": {SCHEMA_VERSION},\n'
        yield f'"exported_at": {_dumps(now)},\n'
        yield f'"time_zone": {_dumps(reader.user.time_zone)},\n'
        yield f'"account": {_dumps(account(reader))},\n'
        yield f'"couple": {_dumps(couple(reader))}'
        for section in SECTIONS:
            yield f",\n{_dumps(section)}: ["
            for i, record in enumerate(_records(reader, section)):
                yield ("\n" if i == 0 else ",\n") + _dumps(record)
            yield "\n]"
        yield "\n}\n"

    return _in_pieces(parts())


# HTML

TEMPLATE = "privacy/export_document.html"


@cache
def page_style() -> tuple[str, str]:
    """The page's own stylesheet and its CSP hash: the file is read offline, so its style is
    inline, and the page's meta policy allows that one stylesheet and nothing else."""
    css = render_to_string(f"{TEMPLATE}#style").strip()
    digest = base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()
    return css, f"'sha256-{digest}'"


def html_export(reader: Reader) -> Iterator[bytes]:
    """The export as one HTML page that reads and prints well: times in the person's zone,
    every word escaped, no scripts and no links out."""

    def render(partial: str, context: dict[str, object]) -> str:
        with timezone.override(reader.user.tz):
            return get_template(f"{TEMPLATE}#{partial}").render(context).strip() + "\n"

    def parts() -> Iterator[str]:
        css, style_hash = page_style()
        yield render(
            "start",
            {
                "css": css,
                "style_hash": style_hash,
                "exported_at": timezone.now(),
                "time_zone": reader.user.time_zone,
                "account": account(reader),
                "couple": couple(reader),
                "sections": SECTIONS if reader.membership else {},
            },
        )
        if reader.membership is not None:
            for section, (title, empty) in SECTIONS.items():
                yield render("heading", {"section": section, "title": title})
                count = 0
                for record in _records(reader, section):
                    count += 1
                    yield render(section, {"record": record})
                if not count:
                    yield render("empty", {"empty": empty})
        yield render("end", {})

    return _in_pieces(parts())


def _in_pieces(parts: Iterable[str]) -> Iterator[bytes]:
    """`parts` encoded and gathered into pieces of about WRITE_SIZE bytes."""
    pending: list[bytes] = []
    size = 0
    for part in parts:
        data = part.encode()
        pending.append(data)
        size += len(data)
        if size >= WRITE_SIZE:
            yield b"".join(pending)
            pending, size = [], 0
    if pending:
        yield b"".join(pending)
