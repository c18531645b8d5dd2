"""People and their couple space: accounts and personal settings, creating a space, inviting
and joining, leaving, the couple's settings page, the access layer every view goes through
(`access.py`) and the activity log both partners read. What a couple does inside its space
lives in the other apps (toolkit, checkins, agreements)."""
