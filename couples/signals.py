from __future__ import annotations

from django.dispatch import Signal

# Sent inside the transaction that creates a couple, with `couple` and `user` (its creator).
# Other apps seed what every new couple starts with (for example a default vocabulary).
couple_created = Signal()
