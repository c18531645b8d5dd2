from __future__ import annotations

from django.test import Client

from agreements.diff import Piece, word_diff
from agreements.models import Agreement


def test_a_diff_shows_insertions_and_deletions_word_by_word() -> None:
    pieces = word_diff("No phones at dinner.", "No phones at dinner or lunch, please.")
    assert pieces == [
        Piece("same", "No phones at "),
        Piece("removed", "dinner."),
        Piece("added", "dinner or lunch, please."),
    ]
    pieces = word_diff("We walk every evening together.", "We walk together.")
    assert pieces == [
        Piece("same", "We walk "),
        Piece("removed", "every evening "),
        Piece("same", "together."),
    ]


def test_a_diff_keeps_unicode_and_whitespace_exactly() -> None:
    old = "Café talks stay gentle.\nNo “why” questions."
    new = "Café talks stay gentle 🌿.\nNo “why” questions, ever. Ça va?"
    pieces = word_diff(old, new)
    assert "".join(p.text for p in pieces if p.op != "added") == old
    assert "".join(p.text for p in pieces if p.op != "removed") == new
    assert Piece("removed", "gentle.\n") in pieces
    assert Piece("added", "gentle 🌿.\n") in pieces
    assert Piece("added", "questions, ever. Ça va?") in pieces


def test_the_compare_page_marks_changes_in_words_not_only_colour(
    phones: Agreement, alice_client: Client
) -> None:
    first = phones.versions.get(number=1)
    second = phones.versions.create(
        text="Our phones stay in the hallway during dinner <b>and</b> breakfast.",
        base_version=1,
        number=2,
        status="accepted",
        expires_at=first.expires_at,
    )
    page = alice_client.get(
        f"/agreements/{phones.pk}/compare/", {"a": first.pk, "b": second.pk}
    ).content.decode()
    assert '<span class="visually-hidden">[added: </span>' in page
    assert '<span class="visually-hidden">[removed: </span>' in page
    assert "&lt;b&gt;and&lt;/b&gt;" in page
    assert "<b>and</b>" not in page
