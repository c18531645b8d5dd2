"""The weekly check-in: one per couple per ISO week in the couple's home zone, each partner's
private draft (a small win, a remaining challenge, an appreciation, what would help), the
mutual reveal once both have shared, reflective listening ("What I heard is …"), the week's
agenda, the small step for the coming week, and the searchable history. Entries are read only
through `Entry.objects.visible_to`. When the conversations happen and their reminders live in
schedules/."""
