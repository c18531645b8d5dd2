"""Put at least one row in every table of a database made by Hearth's migrations at commit
07222b7, the last commit before the toolkit and schedules apps existed.

Run by .ci/migrate-forward with that commit's code on the path, so it uses that commit's models.
"""

from __future__ import annotations

import datetime as dt

import django

django.setup()

from allauth.account.models import EmailAddress, EmailConfirmation  # noqa: E402
from allauth.mfa.models import Authenticator  # noqa: E402
from allauth.usersessions.models import UserSession  # noqa: E402
from django.apps import apps  # noqa: E402
from django.contrib.admin.models import LogEntry  # noqa: E402
from django.contrib.auth.models import Group, Permission  # noqa: E402
from django.contrib.sessions.models import Session  # noqa: E402
from django.utils import timezone  # noqa: E402

from agreements import models as ag  # noqa: E402
from checkins import models as ci  # noqa: E402
from couples import models as co  # noqa: E402

now = timezone.now()
alice = co.User.objects.create_user(
    "alice@example.com", "a calm evening walk", display_name="Alice"
)
bob = co.User.objects.create_user("bob@example.com", "a calm evening walk", display_name="Bob")
group = Group.objects.create(name="support")
group.permissions.add(Permission.objects.first())
alice.groups.add(group)
alice.user_permissions.add(Permission.objects.first())
address = EmailAddress.objects.create(user=alice, email=alice.email, verified=True, primary=True)
EmailConfirmation.objects.create(email_address=address, key="k" * 20, sent=now)
Authenticator.objects.create(user=alice, type=Authenticator.Type.RECOVERY_CODES, data={})
UserSession.objects.create(user=alice, session_key="s" * 32, ip="127.0.0.1", user_agent="ci")
Session.objects.create(session_key="s" * 32, session_data="", expire_date=now + dt.timedelta(1))
LogEntry.objects.create(user=alice, action_flag=1, object_repr="setup")

couple = co.Couple.objects.create(name="Alice & Bob", time_zone="Europe/Berlin")
co.Membership.objects.create(couple=couple, user=alice)
co.Membership.objects.create(couple=couple, user=bob)
co.Invitation.objects.create(
    couple=couple, invited_by=alice, token_hash=co.hash_token("t"), expires_at=now + dt.timedelta(7)
)
co.ActivityEntry.objects.create(couple=couple, actor=alice, message="created the space")
co.Phrase.objects.create(couple=couple, group=co.PhraseGroup.choices[0][0], text="I feel calm")
co.TriggerScript.objects.create(
    couple=couple, author=alice, when_i_notice="tension", i_will="breathe"
)
co.SavedTopic.objects.create(couple=couple, author=alice, topic="Sundays")
co.Repair.objects.create(
    couple=couple, author=bob, acknowledgement="a", apology="b", plan="c", follow_up_on=now.date()
)
# One value as Hearth once pre-filled it (toolkit 0003 forgets it), one the couple wrote.
co.SharedValue.objects.create(couple=couple, name="Curiosity")
co.SharedValue.objects.create(couple=couple, name="Play", description="We laugh every week")

schedule = ci.Schedule.objects.create(
    couple=couple,
    kind=ci.Schedule.Kind.CHECKIN,
    title="Weekly check-in",
    rrule="FREQ=WEEKLY;BYDAY=SU",
    starts_on=now.date(),
    start_time=dt.time(19),
    time_zone="Europe/Berlin",
    reminder_offsets=[60],
    next_reminder_at=now,
)
ci.ReminderOptOut.objects.create(schedule=schedule, user=bob, offset_minutes=60)
ci.ReminderDelivery.objects.create(
    schedule=schedule, occurrence_start=now, recipient=alice, offset_minutes=60
)
ci.CalendarFeed.objects.create(user=alice, token="f" * 40)
checkin = ci.CheckIn.objects.create(couple=couple, week_start=ci.monday_of(now.date()))
entry = ci.Entry.objects.create(checkin=checkin, author=alice, small_win="w", challenge="c")
ci.Reflection.objects.create(entry=entry, listener=bob, heard="h")

agreement = ag.Agreement.objects.create(couple=couple, title="Phones", category="digital")
ag.AgreementVersion.objects.create(
    agreement=agreement, text="Phones away at dinner.", base_version=0, expires_at=now
)
ag.EmailPreference.objects.create(user=alice)
ag.PauseSignal.objects.create(
    couple=couple, sender=alice, phrase="I need a pause", returns_at=now, ended_at=now
)
ag.PauseEmailPreference.objects.create(user=alice)

empty = [
    m._meta.db_table for m in apps.get_models(include_auto_created=True) if not m.objects.exists()
]
if empty:
    raise SystemExit(f"tables left empty: {', '.join(empty)}")
