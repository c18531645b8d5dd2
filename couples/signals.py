from __future__ import annotations

from django.dispatch import Signal

# Sent inside the transaction that creates a couple, with `couple` and `user` (its creator).
# Other apps seed what every new couple starts with (for example a default vocabulary).
couple_created = Signal()

# Sent inside the transaction in which `user` leaves `couple`, when someone stays in it. Other
# apps close what only the leaver could still take part in (for example their open proposals).
member_left = Signal()

# Sent inside the transaction in which `user` joins `couple`. Other apps close what was still
# open between the partners before them (for example a former partner's pause).
member_joined = Signal()
