"""What domain apps plug into, so the cross-cutting apps (privacy, notices) never import another
app's models. Each domain app registers its parts from its `AppConfig.ready()`, the way it
connects its `member_left` receiver.

- `export_section(name)`: a section of a person's export (privacy/ writes the sections).
- `eraser`: erases what was private to a person whose account is being deleted.
- `readable(kind)`: which things of one notice kind a member may read now (notices/ asks before
  telling anyone about them).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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
