"""The personal toolkit: the couple's shared feelings vocabulary and values, each person's
trigger scripts and topics saved for therapy (private until shared, or never shared), and
repairs with their follow-ups. Every new couple is seeded here with Hearth's words and values.

Other apps read the toolkit: pauses offer the "I need…" phrases and show shared trigger scripts,
check-ins offer the "I feel…" phrases and list repair follow-ups that are due."""
