"""Word-level comparison of two texts, for showing what a change adds and removes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Literal

# Words (with an apostrophe inside, as in "we'll"), single marks of punctuation (or emoji),
# and runs of whitespace, each its own token: a word stays the same word whatever follows it, so adding
# words after "dinner" or "dinner." leaves "dinner" unchanged. Joining the tokens gives back
# the text exactly.
TOKENS = re.compile(r"\w+(?:['\u2019]\w+)*|[^\w\s]|\s+")


@dataclass(frozen=True)
class Piece:
    op: Literal["same", "added", "removed"]
    text: str


def word_diff(old: str, new: str) -> list[Piece]:
    """The pieces that turn `old` into `new`: unchanged, removed and added runs of words."""
    a, b = TOKENS.findall(old), TOKENS.findall(new)
    # (old text, new text, whether they are the same) for each run of tokens.
    runs = [
        ("".join(a[i1:i2]), "".join(b[j1:j2]), tag == "equal")
        for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    ]
    pieces: list[Piece] = []
    removed = added = ""
    for i, (old_text, new_text, same) in enumerate(runs):
        # A lone space shared between two changes belongs to the change: "a b" -> "x y" reads
        # as one replacement, not two with an unchanged space between them.
        between_changes = 0 < i < len(runs) - 1 and not runs[i - 1][2] and not runs[i + 1][2]
        if same and not (between_changes and old_text.isspace()):
            pieces += _change(removed, added)
            removed = added = ""
            pieces.append(Piece("same", old_text))
        else:
            removed, added = removed + old_text, added + new_text
    pieces += _change(removed, added)
    return pieces


def _change(removed: str, added: str) -> list[Piece]:
    pieces = [Piece("removed", removed)] if removed else []
    return [*pieces, Piece("added", added)] if added else pieces
