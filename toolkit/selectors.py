"""Reads of the toolkit for pages that other apps own (the couple home). Template tags call
these and build nothing themselves."""

from __future__ import annotations

from couples.models import Couple
from toolkit.models import SharedValue


def shared_values(couple: Couple) -> list[SharedValue]:
    """The couple's own values (both chose them), in their order (one query)."""
    return list(SharedValue.objects.for_couple(couple).ours())
