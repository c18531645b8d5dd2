"""Every URL pattern of the project, and a couple's objects to fill in the ones with
parameters: tests/test_urls.py walks them for who may reach what; the header and hostile-input
tests open them too."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import timedelta

from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.utils import timezone

from agreements.models import Agreement, AgreementVersion, PauseSignal
from checkins.models import CheckIn, Entry, Prompt, Reflection, current_week
from couples.models import INVITATION_LIFETIME, Couple, Invitation, User, hash_token
from notices.models import PushSubscription
from toolkit.models import Phrase, Repair, SavedTopic, SharedValue, TriggerScript

# Reachable without signing in, each for a reason.
PUBLIC = {
    "home": "the landing page for visitors",
    "join": "an invitation is opened before the invitee has an account",
    "healthz": "probed by the load balancer",
    "dev_mail": "DEBUG only (404 otherwise), for reading emails in development",
    "dev_mail_message": "DEBUG only (404 otherwise)",
    "dev_components": "DEBUG only (404 otherwise), the design's pieces on one page",
    "calendar_feed": "calendar apps fetch it without a session; the random token is the key",
    "unsubscribe": "one-click unsubscribe from a mail app (RFC 8058); the signed link is the key",
    "manifest": "the installable app's manifest, fetched by the browser without cookies",
    "service_worker": "the installable app's service worker, the same for everyone",
    "offline": "the page the service worker keeps for when there is no connection",
    "notice_unsubscribe": "one-click unsubscribe from a mail app too; the signed link is the key",
    "event_unsubscribe": "one-click unsubscribe from an event email; the signed link is the key",
}
# Mounted apps with their own access rules: allauth (its pages are for signing in) and the admin.
SELF_GUARDED_PREFIXES = ("accounts/", "admin/")


@dataclass
class World:
    couple: Couple
    alice: User

    def invitation_pk(self) -> int:
        return Invitation.objects.create(
            couple=self.couple,
            invited_by=self.alice,
            token_hash=hash_token("t"),
            expires_at=timezone.now() + INVITATION_LIFETIME,
        ).pk

    def pause_pk(self) -> int:
        now = timezone.now()
        return PauseSignal.objects.create(
            couple=self.couple,
            sender=self.alice,
            phrase="I need a pause.",
            started_at=now,
            returns_at=now + timedelta(minutes=20),
        ).pk

    def week(self) -> str:
        """Alice's couple's last week, which charlie's couple never had: a week path names the
        member's own couple's week, so another couple's week can only ever be absent."""
        monday = current_week(self.couple) - timedelta(weeks=1)
        checkin, _ = CheckIn.objects.get_or_create(
            couple=self.couple, week_start=monday, defaults={"revealed_at": timezone.now()}
        )
        return checkin.label

    def entry_pk(self) -> int:
        checkin = CheckIn.objects.get(couple=self.couple)
        entry, _ = Entry.objects.get_or_create(
            checkin=checkin,
            author=self.alice,
            defaults={"small_win": "w", "challenge": "c", "shared_at": timezone.now()},
        )
        return entry.pk

    def reflection_pk(self) -> int:
        return Reflection.objects.create(
            entry_id=self.entry_pk(), listener=self.alice, heard="h"
        ).pk

    def prompt_pk(self) -> int:
        """One of the couple's own prompts (Hearth's library is everyone's to read)."""
        return Prompt.objects.create(
            couple=self.couple, created_by=self.alice, category="repair", text="Ours?"
        ).pk

    def phrase_pk(self) -> int:
        return Phrase.objects.create(couple=self.couple, group="feel", text="I feel seen").pk

    def script_pk(self) -> int:
        return TriggerScript.objects.create(
            couple=self.couple, author=self.alice, when_i_notice="a", i_will="b"
        ).pk

    def topic_pk(self) -> int:
        return SavedTopic.objects.create(couple=self.couple, author=self.alice, topic="t").pk

    def repair_pk(self) -> int:
        return Repair.objects.create(
            couple=self.couple,
            author=self.alice,
            acknowledgement="a",
            apology="b",
            plan="c",
            follow_up_on=timezone.localdate(),
        ).pk

    def value_pk(self) -> int:
        return SharedValue.objects.create(couple=self.couple, name="Play").pk

    def agreement_pk(self) -> int:
        agreement = Agreement.objects.create(couple=self.couple, title="Phones", category="other")
        AgreementVersion.objects.create(
            agreement=agreement,
            text="No phones at dinner.",
            base_version=0,
            proposed_by=self.alice,
            expires_at=timezone.now() + INVITATION_LIFETIME,
        )
        return agreement.pk

    def schedule_pk(self) -> int:
        return self.couple.schedules.get().pk

    def push_device_pk(self) -> int:
        return PushSubscription.objects.create(
            user=self.alice,
            endpoint="https://push.example.net/alice",
            p256dh="p",
            auth="a",
            device="Firefox on Android",
        ).pk


# URL name -> the arguments naming one of alice's objects.
OBJECT_ARGS: dict[str, Callable[[World], dict[str, object]]] = {
    "revoke_invitation": lambda w: {"pk": w.invitation_pk()},
    "pause_extend": lambda w: {"pk": w.pause_pk()},
    "pause_end": lambda w: {"pk": w.pause_pk()},
    "pause_ready": lambda w: {"pk": w.pause_pk()},
    "pause_take_time": lambda w: {"pk": w.pause_pk()},
    "checkin_week": lambda w: {"week": w.week()},
    "checkin_entry": lambda w: {"week": w.week()},
    "checkin_status": lambda w: {"week": w.week()},
    "checkin_next_step": lambda w: {"week": w.week()},
    "checkin_agree": lambda w: {"week": w.week()},
    "checkin_reflect": lambda w: {"week": w.week(), "pk": w.entry_pk()},
    "checkin_resolve": lambda w: {"week": w.week(), "pk": w.entry_pk()},
    "checkin_bring_back": lambda w: {"week": w.week(), "pk": w.entry_pk()},
    "checkin_answer": lambda w: {"week": w.week(), "pk": w.reflection_pk()},
    "checkin_reply": lambda w: {"week": w.week(), "pk": w.reflection_pk()},
    "checkin_prompt": lambda w: {"week": w.week()},
    "prompt_mark": lambda w: {"pk": w.prompt_pk()},
    "toolkit_phrase_edit": lambda w: {"pk": w.phrase_pk()},
    "toolkit_phrase_move": lambda w: {"pk": w.phrase_pk()},
    "toolkit_phrase_retire": lambda w: {"pk": w.phrase_pk()},
    "toolkit_phrase_restore": lambda w: {"pk": w.phrase_pk()},
    "toolkit_script_edit": lambda w: {"pk": w.script_pk()},
    "toolkit_script_share": lambda w: {"pk": w.script_pk()},
    "toolkit_script_delete": lambda w: {"pk": w.script_pk()},
    "toolkit_topic_edit": lambda w: {"pk": w.topic_pk()},
    "toolkit_topic_discussed": lambda w: {"pk": w.topic_pk()},
    "toolkit_topic_delete": lambda w: {"pk": w.topic_pk()},
    "toolkit_repair": lambda w: {"pk": w.repair_pk()},
    "toolkit_repair_followed_up": lambda w: {"pk": w.repair_pk()},
    "toolkit_value_edit": lambda w: {"pk": w.value_pk()},
    "toolkit_value_remove": lambda w: {"pk": w.value_pk()},
    **{
        name: lambda w: {"pk": w.agreement_pk()}
        for name in (
            "agreement",
            "agreement_propose",
            "agreement_retire",
            "agreement_accept",
            "agreement_decline",
            "agreement_withdraw",
            "agreement_compare",
        )
    },
    "schedule_edit": lambda w: {"pk": w.schedule_pk()},
    "schedule_pause": lambda w: {"pk": w.schedule_pk()},
    "schedule_delete": lambda w: {"pk": w.schedule_pk()},
    "push_device_remove": lambda w: {"pk": w.push_device_pk()},
}


@dataclass
class Route:
    name: str
    route: str
    view: Callable[..., object] | None = None


def walk(patterns: Sequence[URLPattern | URLResolver], prefix: str = "") -> Iterator[Route]:
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from walk(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield Route(p.name or "", prefix + str(p.pattern), p.callback)


def guarded_routes() -> list[Route]:
    return [
        r
        for r in walk(get_resolver().url_patterns)
        if r.name not in PUBLIC and not r.route.startswith(SELF_GUARDED_PREFIXES)
    ]


def build(route: Route, kwargs: dict[str, object]) -> str:
    path = route.route
    for key, value in kwargs.items():
        path = path.replace(f"<int:{key}>", str(value)).replace(f"<str:{key}>", str(value))
    assert "<" not in path, f"{route.name}: add its arguments to OBJECT_ARGS"
    return "/" + path


def every_route() -> list[Route]:
    """Every route once: where Hearth puts its own pattern in front of a mounted app's (allauth's
    password change, which asks for the password again first), the first one answers."""
    routes: dict[str, Route] = {}
    for route in walk(get_resolver().url_patterns):
        routes.setdefault(route.route, route)
    return list(routes.values())


def sample_path(route: Route, kwargs: dict[str, object]) -> str:
    """A path that reaches `route`'s view: its arguments from `kwargs`, any other argument a
    filler its pattern accepts (naming nothing, so the view answers as for a missing object)."""
    path = re.sub(
        r"\(\?P<\w+>([^)]*)\)",
        lambda m: next(v for v in ("1", *m[1].split("|")) if re.fullmatch(m[1], v)),
        route.route,
    )
    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(kwargs.get(m[1], "1")), path)
    path = "/" + path.replace("^", "").replace("$", "")
    assert resolve(path).func is route.view, f"{path} does not reach {route.route}"
    return path
