"""The shortcuts of core/fastpath.py behave as the ordinary ORM would."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from checkins.models import Prompt, PromptCategory
from core import fastpath
from couples.models import Couple, User


def test_an_instance_made_from_read_columns_is_the_stored_row_without_a_query(
    couple: Couple, alice: User
) -> None:
    stored = Prompt.objects.create(
        couple=couple, created_by=alice, category=PromptCategory.choices[0][0], text="What helps?"
    )
    with CaptureQueriesContext(connection) as made:
        prompt = fastpath.loaded(
            Prompt, "default", id=stored.pk, text="What helps?", couple_id=couple.pk
        )
        assert (prompt.pk, prompt.text, prompt.couple_id) == (stored.pk, "What helps?", couple.pk)
    assert len(made) == 0
    # A column the other query did not read loads when first read, as a deferred field does.
    with CaptureQueriesContext(connection) as deferred:
        assert prompt.created_by_id == alice.pk
    assert len(deferred) == 1


def test_saving_an_instance_made_from_read_columns_updates_its_row(
    couple: Couple, alice: User
) -> None:
    stored = Prompt.objects.create(
        couple=couple, category=PromptCategory.choices[0][0], text="What helps?"
    )
    prompt = fastpath.loaded(Prompt, "default", id=stored.pk, text="What helps?")
    prompt.text = "What would help?"
    prompt.save(update_fields=["text"])
    assert list(Prompt.objects.filter(couple=couple).values_list("text", flat=True)) == [
        "What would help?"
    ]
