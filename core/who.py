"""Who wrote this, as the reader knows them: themselves, the partner in the couple now, or "a
former partner" (anyone no longer in the couple, or whose account is gone). Every page, the
export and its readable copy say it through `who`; templates through `{% who %}`
(`couples/templatetags/who.py`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from couples.models import User

YOU = "you"
PARTNER = "partner"
FORMER_PARTNER = "former_partner"


@dataclass(frozen=True)
class Who:
    """`role` is YOU, PARTNER or FORMER_PARTNER (the export's JSON holds it); `display_name` is
    the name of someone in the couple now, "" for a former partner."""

    role: str
    display_name: str = ""

    @property
    def you(self) -> bool:
        return self.role == YOU

    @property
    def here(self) -> bool:
        """Still in the couple: the reader or their partner now."""
        return self.role != FORMER_PARTNER

    @property
    def name(self) -> str:
        """As the reader is told: "You", the partner's name, or "A former partner"."""
        return _("You") if self.you else str(self)

    def __str__(self) -> str:
        """The person named, the reader included, or "A former partner"."""
        return self.display_name if self.here else _("A former partner")


def who(person: User | int | None, *, reader_id: int | None, members: Iterable[User]) -> Who:
    """Who `person` (a user or their id; None once their account is gone) is to the reader,
    `members` being the people in the reader's couple now (the reader among them, as
    `couples.access.current_partners` gives them)."""
    person_id = person if person is None or isinstance(person, int) else person.pk
    if person_id is not None:
        for member in members:
            if member.pk == person_id:
                return Who(YOU if person_id == reader_id else PARTNER, member.display_name)
    return Who(FORMER_PARTNER)
