"""Scheduled conversations: the couple's rhythm of conversations (the weekly check-in and any
rituals they add), each partner's reminder choices, reminder dispatch and delivery (the beat
task, the send task and one delivery row per email), one-click unsubscribe, private calendar
feeds, and the `upcoming_reminders` support command. The check-in itself lives in checkins/."""
