"""Writes that span several couple models or send something."""

from __future__ import annotations

from functools import partial

from allauth.account.models import EmailAddress
from allauth.usersessions.models import UserSession
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.activity import log
from core.errors import RefusedError
from couples.models import (
    INVITATION_LIFETIME,
    Couple,
    Invitation,
    Membership,
    TellPartner,
    User,
    hash_token,
)
from couples.signals import couple_created, member_joined, member_left
from couples.tasks import send_invitation, send_partner_left


def create_couple(*, user: User, name: str, time_zone: str) -> Couple:
    refusal = _("You already share a space. Leave it first to start a new one.")
    if Membership.objects.filter(user=user).exists():
        raise RefusedError(refusal)
    try:
        with transaction.atomic():
            couple = Couple.objects.create(name=name, time_zone=time_zone)
            Membership.objects.create(couple=couple, user=user, seat=Membership.SEATS[0])
            log(couple=couple, actor=user, message=_("created the space"))
            couple_created.send(sender=Couple, couple=couple, user=user)
    except IntegrityError:  # submitted twice at once: the one-to-one membership let one in
        raise RefusedError(refusal) from None
    return couple


@transaction.atomic
def update_couple(*, couple: Couple, by: User, name: str, time_zone: str) -> None:
    couple.name, couple.time_zone = name, time_zone
    couple.save(update_fields=["name", "time_zone"])
    log(couple=couple, actor=by, message=_("updated the space's name or time zone"))


def end_other_sessions(
    sender: object, *, request: HttpRequest, user: User, **kwargs: object
) -> None:
    """A new password signs the person out everywhere else at once, in the session store (not
    only at each browser's next request), and keeps the session that changed it."""
    others = UserSession.objects.filter(user=user).exclude(session_key=request.session.session_key)
    for session in others:
        session.end()


def update_profile(*, user: User, display_name: str, time_zone: str) -> None:
    user.display_name, user.time_zone = display_name, time_zone
    user.save(update_fields=["display_name", "time_zone"])


@transaction.atomic
def invite_partner(*, couple: Couple, inviter: User, email: str = "") -> tuple[Invitation, str]:
    """Make a new invitation, replacing any open one, and email it when an address is given.
    Returns the invitation and its token (the only time the token exists in clear)."""
    couple = Couple.objects.select_for_update().get(pk=couple.pk)
    if couple.memberships.count() >= Membership.MAX_MEMBERS:
        raise RefusedError(_("Your space already has two people, so there is no one to invite."))
    now = timezone.now()
    Invitation.objects.for_couple(couple).open(now).update(revoked_at=now)
    token = Invitation.new_token()
    invitation = Invitation.objects.create(
        couple=couple,
        invited_by=inviter,
        email=email,
        token_hash=hash_token(token),
        created_at=now,
        expires_at=now + INVITATION_LIFETIME,
    )
    log(couple=couple, actor=inviter, message=_("created an invitation link"))
    if email:
        transaction.on_commit(partial(send_invitation.delay, invitation.pk, token))
    return invitation, token


def revoke_invitation(*, invitation: Invitation, by: User) -> None:
    updated = Invitation.objects.filter(
        pk=invitation.pk, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=timezone.now())
    if updated:
        log(couple=invitation.couple, actor=by, message=_("withdrew the invitation"))


UNUSABLE_LINK = gettext_lazy(
    "This invitation link no longer works. Check that it was copied whole, or ask your partner "
    "for a new one."
)


def find_invitation(token: str) -> Invitation | None:
    """The usable invitation behind `token`. A used, withdrawn or expired one is not found: its
    link must not tell anyone who invited whom to which space."""
    return (
        Invitation.objects.open(timezone.now())
        .select_related("couple", "invited_by")
        .filter(token_hash=hash_token(token))
        .first()
    )


def refusal(invitation: Invitation, user: User) -> str:
    """Why `user` cannot accept `invitation`, or "" when they can."""
    if problem := invitation.problem(timezone.now()):
        return problem
    if invitation.invited_by_id == user.pk:
        return _(
            "This is the invitation you created. Send the link to your partner so they can join."
        )
    membership = Membership.objects.filter(user=user).select_related("couple").first()
    if membership is not None:
        if membership.couple_id == invitation.couple_id:
            return _("You are already part of this space.")
        return _(
            "You already share a space with someone. A person can be in one space at a time; "
            "leave your current space first if you want to join this one."
        )
    if Membership.free_seat(invitation.couple) is None:
        return _("This space already has two people. An invitation can't add a third.")
    if not EmailAddress.objects.filter(user=user, verified=True).exists():
        return _("Please confirm your email address first, then open this link again.")
    return ""


def accept_invitation(*, token: str, user: User) -> Couple:
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update()
            .select_related("couple", "invited_by")
            .filter(token_hash=hash_token(token))
            .first()
        )
        if invitation is None:
            raise RefusedError(str(UNUSABLE_LINK))
        # Lock the couple so two people accepting at once cannot both become the second member.
        Couple.objects.select_for_update().filter(pk=invitation.couple_id).get()
        if reason := refusal(invitation, user):
            raise RefusedError(reason)
        now = timezone.now()
        seat = Membership.free_seat(invitation.couple)
        assert seat is not None  # refusal() found one, and the couple stays locked
        try:
            with transaction.atomic():
                Membership.objects.create(
                    couple=invitation.couple, user=user, seat=seat, joined_at=now
                )
        except IntegrityError:  # they started their own space meanwhile: one couple a person
            raise RefusedError(refusal(invitation, user) or str(UNUSABLE_LINK)) from None
        invitation.accepted_at = now
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
        member_joined.send(sender=Couple, couple=invitation.couple, user=user)
        log(couple=invitation.couple, actor=user, message=_("joined the space"))
    return invitation.couple


@transaction.atomic
def leave_couple(
    *, user: User, tell_partner: TellPartner = TellPartner.EMAIL, account_closed: bool = False
) -> None:
    """Leave at once, without anyone's consent. What the person wrote stays with the partner,
    shown as written by a former partner. The other apps close what only the leaver could
    still take part in (`member_left`). The partner who stays is told once, by a neutral email
    or on their next visit, as the leaver chose; `account_closed` says the leaver is deleting
    their account, which the email then says. A space left empty is deleted."""
    membership = Membership.objects.select_related("couple").filter(user=user).first()
    if membership is None:
        return
    couple = membership.couple
    membership.delete()
    if not couple.memberships.exists():
        couple.delete()
        return
    now = timezone.now()
    Invitation.objects.for_couple(couple).open(now).update(revoked_at=now)
    member_left.send(sender=Couple, couple=couple, user=user)
    log(couple=couple, actor=user, message=_("left the space"))
    if tell_partner == TellPartner.NEXT_VISIT and not account_closed:
        couple.memberships.update(partner_left_notice=True)
        return
    for stays in couple.memberships.values_list("pk", flat=True):
        transaction.on_commit(partial(send_partner_left.delay, stays, account_closed))


def take_partner_left_notice(membership: Membership) -> bool:
    """Whether `membership`'s member is to be told, now, that their partner left; the notice is
    claimed with a conditional UPDATE, so two pages opened at once show it once. Called before
    the view by `couples.middleware.PartnerLeftNoticeMiddleware`, never while a page renders."""
    if not membership.partner_left_notice:
        return False
    membership.partner_left_notice = False
    return bool(
        Membership.objects.filter(pk=membership.pk, partner_left_notice=True).update(
            partner_left_notice=False
        )
    )
