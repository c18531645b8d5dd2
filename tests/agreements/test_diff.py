from __future__ import annotations

import pytest
from django.test import Client

from agreements import services
from agreements.diff import Piece, word_diff
from agreements.models import Agreement
from couples.models import User


def test_a_diff_shows_insertions_and_deletions_word_by_word() -> None:
    pieces = word_diff("No phones at dinner.", "No phones at dinner or lunch, please.")
    assert pieces == [
        Piece("same", "No phones at dinner"),
        Piece("added", " or lunch, please"),
        Piece("same", "."),
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
    assert pieces == [
        Piece("same", "Café talks stay gentle"),
        Piece("added", " 🌿"),
        Piece("same", ".\nNo “why” questions"),
        Piece("added", ", ever"),
        Piece("same", "."),
        Piece("added", " Ça va?"),
    ]


def test_changed_words_side_by_side_read_as_one_change() -> None:
    assert word_diff("Talk on Sunday evening.", "Talk on Monday morning.") == [
        Piece("same", "Talk on "),
        Piece("removed", "Sunday evening"),
        Piece("added", "Monday morning"),
        Piece("same", "."),
    ]


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


@pytest.mark.parametrize(
    ("old", "new", "added"),
    [
        ("We walk together", "We walk together every evening", " every evening"),
        ("We walk together.", "We walk together. Every evening.", " Every evening."),
        ("We walk together.", "We walk together every evening.", " every evening"),
    ],
)
def test_adding_words_at_the_end_shows_only_the_added_words(old: str, new: str, added: str) -> None:
    pieces = word_diff(old, new)
    assert [p for p in pieces if p.op != "same"] == [Piece("added", added)]
    assert "".join(p.text for p in pieces if p.op != "added") == old
    assert "".join(p.text for p in pieces if p.op != "removed") == new


def test_the_page_shows_words_added_at_the_end_as_added_and_nothing_as_removed(
    phones: Agreement, alice: User, bob_client: Client
) -> None:
    in_force = phones.current.text  # type: ignore[union-attr]
    services.propose_change(
        agreement=phones,
        by=alice,
        terms=services.Terms(text=f"{in_force} And at breakfast."),
        base_version=phones.version,
    )
    page = bob_client.get(f"/agreements/{phones.pk}/").content.decode()
    assert "[removed: " not in page
    assert '[added: </span> And at breakfast.<span class="visually-hidden">]' in page


def test_an_agreement_with_two_versions_links_to_comparing_them(
    phones: Agreement, alice_client: Client
) -> None:
    link = f'<a href="/agreements/{phones.pk}/compare/">Compare two versions</a>'
    assert link not in alice_client.get(f"/agreements/{phones.pk}/").content.decode()
    first = phones.versions.get(number=1)
    phones.versions.create(
        text="Our phones stay in the hallway during dinner and breakfast.",
        base_version=1,
        number=2,
        status="accepted",
        expires_at=first.expires_at,
    )
    assert link in alice_client.get(f"/agreements/{phones.pk}/").content.decode()
