"""A person's data rights: exporting everything they wrote plus the couple's shared records
(JSON and a readable page), and deleting their account. The records come from the sections each
domain app registers (`core.registry`, in the app's `exports.py`), read through each model's
`visible_to`, so an export never holds what the person could not read in the app; privacy/
imports no domain app's models."""
