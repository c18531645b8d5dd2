"""What domain apps plug into, so the cross-cutting apps (privacy, notices) never import another
app's models. Each domain app registers its parts from its `AppConfig.ready()`, the way it
connects its `member_left` receiver.

- `export_section(name)`: a section of a person's export (privacy/ writes the sections).
- `eraser`: erases what was private to a person whose account is being deleted.
- `readable(kind)`: which things of one notice kind a member may read now (notices/ asks before
  telling anyone about them); `readable_through(*kinds, visible_to=...)` registers a model's
  "what this member may read" selector for those kinds.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from couples.models import Membership, User

Record = dict[str, Any]
ExportSection = Callable[[Any, "Membership"], Iterator[Record]]
Eraser = Callable[["User"], None]
Readable = Callable[["Membership", Iterable[int]], set[int]]

EXPORT_SECTIONS: dict[str, ExportSection] = {}
ERASERS: list[Eraser] = []
READABLE: dict[str, Readable] = {}


def export_section(name: str) -> Callable[[ExportSection], ExportSection]:
    def register(section: ExportSection) -> ExportSection:
        EXPORT_SECTIONS[name] = section
        return section

    return register


def eraser(erase: Eraser) -> Eraser:
    if erase not in ERASERS:
        ERASERS.append(erase)
    return erase


def readable(kind: str) -> Callable[[Readable], Readable]:
    def register(check: Readable) -> Readable:
        READABLE[kind] = check
        return check

    return register


def readable_through(*kinds: str, visible_to: Callable[[Membership], QuerySet[Any]]) -> None:
    """Things of `kinds` are readable when `visible_to(membership)` holds them (their id is the
    thing's id). One check serves all the kinds, so notices/ asks once for them together."""

    def check(membership: Membership, ids: Iterable[int]) -> set[int]:
        return set(visible_to(membership).filter(pk__in=ids).values_list("pk", flat=True))

    for kind in kinds:
        READABLE[kind] = check
