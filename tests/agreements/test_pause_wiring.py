"""The pause as the other features shape it: the couple's accepted pause protocol, their shared
vocabulary, and the trigger scripts a partner chose to share."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from agreements.models import Agreement, PauseSignal
from agreements.services import PauseDefaults
from couples.models import Couple, User
from tests.support.agreements import Post, poll, version_in
from tests.support.pages import markup
from toolkit.models import Phrase, PhraseGroup, TriggerScript

BUILT_IN = PauseDefaults()
BREATHING = "A minute of slow breathing"


@pytest.fixture
def protocol(couple: Couple, alice_client: Client, bob_client: Client) -> Agreement:
    """Alice proposes "how we pause" through the form and Bob accepts it."""
    response = alice_client.post(
        "/agreements/new/",
        {
            "title": "How we pause",
            "category": "pause",
            "text": "We pause kindly and come back.",
            "base_version": 0,
            "pause_minutes": 30,
            "signal_phrases": "Time out, please.\nI need a pause\n",
            "grounding_practice": "Walk around the block and name five things you can see.",
            "return_phrase": "I'm back and I want to listen.",
        },
    )
    assert response.status_code == 302, response.content.decode()
    agreement = Agreement.objects.get(couple=couple)
    proposal = agreement.versions.get()
    bob_client.post(f"/agreements/{agreement.pk}/accept/", {"proposal": proposal.pk})
    agreement.refresh_from_db()
    assert agreement.current == proposal
    return agreement


def phrase_choices(client: Client) -> list[str]:
    form = client.get("/pause/").context["form"]
    return [label for value, label in form.fields["phrase"].choices if value != "own"]


def test_without_a_protocol_the_pause_starts_from_hearths_own_terms(
    alice_client: Client,
) -> None:
    page = alice_client.get("/pause/")
    assert page.context["form"].fields["minutes"].initial == 20
    assert phrase_choices(alice_client)[:3] == BUILT_IN.signal_phrases


def test_the_accepted_pause_protocol_sets_the_pause_defaults(
    protocol: Agreement, alice_client: Client, bob_client: Client
) -> None:
    page = alice_client.get("/pause/")
    assert page.context["form"].fields["minutes"].initial == 30
    assert '<option value="30" selected>30 minutes</option>' in page.content.decode()
    choices = phrase_choices(alice_client)
    assert choices[:2] == ["Time out, please.", "I need a pause"]
    assert not set(BUILT_IN.signal_phrases) & set(choices)

    calm = markup(
        alice_client.post("/pause/", {"phrase": "Time out, please.", "minutes": 30}, follow=True)
    )
    assert "“Time out, please.”" in calm
    assert "Walk around the block and name five things you can see." in calm
    # The breathing guide is there for both, with the protocol's practice beside it.
    assert BREATHING in calm
    assert 'class="breathing"' in calm
    pause = PauseSignal.objects.get()
    assert pause.returns_at - pause.started_at == timedelta(minutes=30)
    # The partner's calm page shows the same practice.
    assert "Walk around the block" in markup(bob_client.get("/pause/"))


def test_without_a_grounding_practice_the_breathing_exercise_is_shown(
    alice_client: Client,
) -> None:
    calm = markup(
        alice_client.post(
            "/pause/", {"phrase": BUILT_IN.signal_phrases[0], "minutes": 20}, follow=True
        )
    )
    assert BREATHING in calm
    assert 'class="breathing"' in calm


def test_the_pause_form_also_offers_the_couples_i_need_phrases_once_each(
    couple: Couple, protocol: Agreement, alice_client: Client
) -> None:
    needs = list(
        Phrase.objects.for_couple(couple)
        .active()
        .in_group(PhraseGroup.NEED)
        .values_list("text", flat=True)
    )
    assert "I need a pause" in needs
    choices = phrase_choices(alice_client)
    # The protocol's phrases first, then the vocabulary; "I need a pause" is in both.
    assert choices == ["Time out, please.", *needs]
    feel = Phrase.objects.for_couple(couple).in_group(PhraseGroup.FEEL).first()
    assert feel is not None
    assert feel.text not in choices


def test_a_retired_phrase_is_no_longer_offered(couple: Couple, alice_client: Client) -> None:
    hug = Phrase.objects.get(couple=couple, text="I need a hug")
    assert "I need a hug" in phrase_choices(alice_client)
    alice_client.post(f"/toolkit/words/{hug.pk}/retire/")
    assert "I need a hug" not in phrase_choices(alice_client)


def test_a_pause_keeps_its_vocabulary_phrase_after_the_phrase_is_retired(
    couple: Couple, alice_client: Client, bob_client: Client
) -> None:
    quiet = Phrase.objects.get(couple=couple, text="I need a little quiet")
    alice_client.post("/pause/", {"phrase": quiet.text, "minutes": 20})
    pause = PauseSignal.objects.get()
    assert pause.phrase == "I need a little quiet"

    response = bob_client.post(f"/toolkit/words/{quiet.pk}/retire/")
    assert response.status_code == 302
    quiet.refresh_from_db()
    assert quiet.retired_at is not None
    pause.refresh_from_db()
    assert pause.phrase == "I need a little quiet"
    assert "Alice asked for a pause: “I need a little quiet”" in markup(poll(bob_client))
    alice_client.post(f"/pause/{pause.pk}/end/")
    assert "“I need a little quiet”" in markup(alice_client.get("/pause/", {"new": ""}))


# The sender's shared trigger scripts on the partner's banner


def test_a_shared_trigger_script_appears_on_the_partners_pause_banner_unshared_it_disappears(
    alice_client: Client, bob_client: Client, act: Post
) -> None:
    act(alice_client, "/toolkit/scripts/", {"when_i_notice": "my jaw tightens", "i_will": "walk"})
    act(alice_client, "/toolkit/scripts/", {"when_i_notice": "I go numb", "i_will": "sit down"})
    script = TriggerScript.objects.get(when_i_notice="my jaw tightens")
    act(alice_client, f"/toolkit/scripts/{script.pk}/share/", {"share": "yes"})
    act(alice_client, "/pause/", {"phrase": BUILT_IN.signal_phrases[0], "minutes": 20})
    shown = str(PauseSignal.objects.get().pk)

    first = poll(bob_client)
    banner = markup(first)
    assert "Alice asked for a pause" in banner
    assert "When I notice my jaw tightens, I'll walk" in banner
    assert "I go numb" not in banner  # still private
    # The sender's own banner does not repeat their scripts back to them.
    assert "my jaw tightens" not in markup(poll(alice_client))

    # The same pause stays on; only the script changes.
    version = version_in(first)
    assert poll(bob_client, version, shown).status_code == 204
    act(alice_client, f"/toolkit/scripts/{script.pk}/share/", {"share": "no"})
    after = poll(bob_client, version, shown)
    assert after.status_code == 200
    assert "Alice asked for a pause" in markup(after)
    assert "my jaw tightens" not in markup(after)
    assert poll(bob_client, version_in(after), shown).status_code == 204


@pytest.mark.parametrize(
    ("change", "data", "still_there"),
    [
        ("", {"when_i_notice": "my chest is tight", "i_will": "breathe out slowly"}, True),
        ("delete/", {}, False),
    ],
)
def test_editing_or_deleting_a_shared_script_updates_the_partners_banner(
    couple: Couple,
    alice: User,
    alice_client: Client,
    bob_client: Client,
    act: Post,
    change: str,
    data: dict[str, str],
    still_there: bool,
) -> None:
    script = TriggerScript.objects.create(
        couple=couple,
        author=alice,
        when_i_notice="my jaw tightens",
        i_will="walk",
        shared_at=timezone.now(),
    )
    act(alice_client, "/pause/", {"phrase": BUILT_IN.signal_phrases[0], "minutes": 20})
    shown = str(PauseSignal.objects.get().pk)
    first = poll(bob_client)
    assert "When I notice my jaw tightens, I'll walk" in markup(first)

    act(alice_client, f"/toolkit/scripts/{script.pk}/{change}", data)
    after = markup(poll(bob_client, version_in(first), shown))
    assert "my jaw tightens" not in after
    assert ("When I notice my chest is tight, I'll breathe out slowly" in after) == still_there


def test_a_signal_phrase_too_long_to_store_on_a_pause_is_refused(alice_client: Client) -> None:
    long = "I need a break " * 14
    response = alice_client.post(
        "/agreements/new/",
        {
            "title": "How we pause",
            "category": "pause",
            "text": "We pause kindly.",
            "base_version": 0,
            "pause_minutes": 30,
            "signal_phrases": f"Time out\n{long}",
            "return_phrase": "Back",
        },
    )
    assert response.status_code == 200
    page = markup(response)
    assert f"Keep each phrase to 200 characters; one has {len(long.strip())}." in page
    assert long.strip() in page
    assert not Agreement.objects.exists()
