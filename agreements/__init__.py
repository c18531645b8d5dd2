"""Boundary agreements and pauses: agreements with every version kept, the consent workflow
(propose, accept, decline, counter, withdraw, retire; proposals expire), word diffs between
versions, and the pause protocol with the pause signals it sets the defaults for, including the
banner every page shows while a pause is on. Each limit is defined once, in `limits.py`."""
