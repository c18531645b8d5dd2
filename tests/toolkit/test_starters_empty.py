"""Empty toolkit lists offer starters one tap away: Hearth's phrases for an empty group of
words, and starter trigger scripts, saved privately like any other."""

from __future__ import annotations

from django.test import Client

from couples.models import Couple, User
from tests.support.pages import markup, visible_words
from toolkit.models import Phrase, PhraseGroup, TriggerScript


def test_an_empty_group_of_words_offers_hearths_phrases_one_tap_away(
    couple: Couple, alice_client: Client, bob_client: Client
) -> None:
    Phrase.objects.filter(couple=couple, group=PhraseGroup.APPRECIATE).delete()
    page = visible_words(alice_client.get("/toolkit/words/"))
    assert "No phrases here yet. Add one of these with a tap" in page
    assert "I appreciate your effort" in page
    alice_client.post(
        "/toolkit/words/", {"group": "appreciate", "text": "I appreciate your effort"}
    )
    assert Phrase.objects.filter(couple=couple, group="appreciate").count() == 1
    after = visible_words(bob_client.get("/toolkit/words/"))
    assert "I appreciate your effort" in after
    assert "No phrases here yet" not in after


def test_no_trigger_script_yet_offers_starters_saved_privately_in_one_tap(
    couple: Couple, alice: User, alice_client: Client, bob_client: Client
) -> None:
    page = markup(alice_client.get("/toolkit/scripts/"))
    assert "Start from this" in page
    alice_client.post(
        "/toolkit/scripts/",
        {"when_i_notice": "my jaw clenching", "i_will": "step outside"},
    )
    script = TriggerScript.objects.get()
    assert (script.author, script.is_shared) == (alice, False)
    assert "Start from this" not in markup(alice_client.get("/toolkit/scripts/"))
    assert "my jaw clenching" not in visible_words(bob_client.get("/toolkit/scripts/"))


def test_a_visitor_is_sent_to_log_in(client: Client) -> None:
    for path in ("/toolkit/words/", "/toolkit/scripts/"):
        assert client.get(path).headers["Location"].startswith("/accounts/login/")
