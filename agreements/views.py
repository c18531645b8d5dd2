from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib import messages
from django.db.models import FilteredRelation, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from agreements import banner, services, starters
from agreements.diff import word_diff
from agreements.forms import (
    CompareForm,
    DeclineForm,
    ExtendForm,
    NewAgreementForm,
    PauseForm,
    ProposalForm,
    ProposalIdForm,
    RetireForm,
    StartForm,
)
from agreements.limits import PAUSE_REENTRY
from agreements.models import (
    Agreement,
    AgreementVersion,
    AgreementVersionQuerySet,
    Category,
    PauseSignal,
)
from core import fastpath
from core.errors import RefusedError
from core.who import Who, who
from couples import access
from couples.models import User


@access.couple_required
@require_safe
def agreement_list(request: HttpRequest) -> HttpResponse:
    user = access.member(request)
    now = timezone.now()
    # Each agreement with its open proposal in the same row: there is at most one (a database
    # rule), so the join adds no rows. Django sets `open_version` only when there is one, and
    # django-stubs does not know a filtered relation's name.
    open_now = Q(versions__status=AgreementVersion.Status.OPEN, versions__expires_at__gt=now)
    agreements = (
        Agreement.objects.visible_to(access.current_membership(request))
        .annotate(open_version=FilteredRelation("versions", condition=open_now))
        .select_related("current", "open_version")  # type: ignore[misc]
    )
    rows = [(a, getattr(a, "open_version", None)) for a in agreements]
    ctx = {
        "awaiting": [(a, p) for a, p in rows if p and p.awaits(user, now)],
        "categories": [
            (
                label,
                [(a, p) for a, p in rows if a.category == value and not a.is_retired],
                [s for s in starters.STARTERS if s.category == value],
            )
            for value, label in Category.choices
        ],
        # A couple with no agreement yet sees the starters first, one tap from their form.
        "starters": starters.STARTERS if not rows else [],
        "retired": [a for a, _p in rows if a.is_retired],
        "members": access.current_partners(request),
    }
    return render(request, "agreements/list.html", ctx)


@access.couple_required
@require_http_methods(["GET", "HEAD", "POST"])
def agreement_new(request: HttpRequest) -> HttpResponse:
    user = access.member(request)
    couple = access.current_couple(request)
    if request.method == "POST":
        form = NewAgreementForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                agreement = services.create_agreement(
                    couple=couple,
                    by=user,
                    title=data["title"],
                    category=data["category"],
                    terms=form.terms(),
                ).agreement
            except RefusedError as e:
                messages.error(request, str(e))
            else:
                messages.success(
                    request, _("Proposed. It comes into force when your partner accepts it.")
                )
                return redirect("agreement", pk=agreement.pk)
        return render(request, "agreements/new.html", {"form": form})

    new_form = StartForm(request.GET).new_agreement_form()
    if new_form is None:
        ctx = {"starters": starters.STARTERS, "categories": Category.choices}
        return render(request, "agreements/new.html", ctx)
    return render(request, "agreements/new.html", {"form": new_form})


@access.couple_required
@require_safe
def agreement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    # The agreement comes with its history, in one query: an agreement the member may open
    # always has a wording they may read (the one in force when they joined, or one since).
    membership = access.current_membership(request)
    visible = Agreement.objects.visible_to(membership).filter(pk=pk)
    history = list(
        AgreementVersion.objects.visible_to(membership)
        .filter(agreement__in=visible)
        .select_related("agreement__current")
    )
    if not history:
        raise Http404
    return _detail(request, history[0].agreement, history)


@access.couple_required
@require_http_methods(["GET", "HEAD", "POST"])
def agreement_propose(request: HttpRequest, pk: int) -> HttpResponse:
    """Propose a change; when the partner's proposal is open, this is a counter-proposal."""
    user = access.member(request)
    agreement = _agreement(request, pk)
    try:
        proposal = services.proposal_to_counter(agreement=agreement, by=user)
    except RefusedError as e:
        messages.error(request, str(e))
        return redirect("agreement", pk=agreement.pk)
    pause = agreement.category == Category.PAUSE
    if request.method == "POST":
        form = ProposalForm(request.POST, pause=pause)
        if form.is_valid():
            try:
                services.propose_change(
                    agreement=agreement,
                    by=user,
                    terms=form.terms(),
                    base_version=form.cleaned_data["base_version"],
                    counters=form.cleaned_data["counters"],
                )
            except RefusedError as e:
                # Show what is there now and keep what they typed, ready to propose again.
                messages.error(request, str(e))
                agreement = _agreement(request, pk)
                proposal = agreement.open_proposal(timezone.now())
                form = form.rebased(agreement, proposal)
            else:
                messages.success(request, _("Proposed. Your partner will find it waiting."))
                return redirect("agreement", pk=agreement.pk)
    else:
        form = ProposalForm.starting_from(agreement, proposal, pause=pause)
    ctx = {"agreement": agreement, "proposal": proposal, "form": form}
    return render(request, "agreements/propose.html", ctx)


@access.couple_required
@require_POST
def agreement_retire(request: HttpRequest, pk: int) -> HttpResponse:
    user = access.member(request)
    agreement = _agreement(request, pk)
    form = RetireForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("That didn't go through. Please try again."))
        return redirect("agreement", pk=agreement.pk)
    try:
        services.propose_retirement(agreement=agreement, by=user, **form.cleaned_data)
    except RefusedError as e:
        messages.error(request, str(e))
    else:
        messages.success(request, _("Proposed. It stays in force until your partner accepts."))
    return redirect("agreement", pk=agreement.pk)


@access.couple_required
@require_POST
def agreement_accept(request: HttpRequest, pk: int) -> HttpResponse:
    user = access.member(request)
    agreement = _agreement(request, pk)
    proposal_id = ProposalIdForm(request.POST).proposal_id
    try:
        proposal = services.accept(agreement=agreement, proposal_id=proposal_id, by=user)
    except RefusedError as e:
        messages.error(request, str(e))
    else:
        if proposal.kind == AgreementVersion.Kind.RETIRE:
            messages.success(request, _("Retired. It stays here, with its history."))
        else:
            messages.success(request, _("Accepted. This is now what you both agree to."))
    return redirect("agreement", pk=agreement.pk)


@access.couple_required
@require_POST
def agreement_decline(request: HttpRequest, pk: int) -> HttpResponse:
    user = access.member(request)
    agreement = _agreement(request, pk)
    form = DeclineForm(request.POST)
    if not form.is_valid():
        history = list(_history(request, agreement))
        return _detail(request, agreement, history, decline_form=form, status=400)
    try:
        services.decline(
            agreement=agreement,
            proposal_id=ProposalIdForm(request.POST).proposal_id,
            by=user,
            reason=form.cleaned_data["reason"],
        )
    except RefusedError as e:
        messages.error(request, str(e))
    else:
        messages.success(request, _("Declined. What is in force stays as it was."))
    return redirect("agreement", pk=agreement.pk)


@access.couple_required
@require_POST
def agreement_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    user = access.member(request)
    agreement = _agreement(request, pk)
    proposal_id = ProposalIdForm(request.POST).proposal_id
    try:
        services.withdraw(agreement=agreement, proposal_id=proposal_id, by=user)
    except RefusedError as e:
        messages.error(request, str(e))
    else:
        messages.success(request, _("Withdrawn."))
    return redirect("agreement", pk=agreement.pk)


@access.couple_required
@require_safe
def agreement_compare(request: HttpRequest, pk: int) -> HttpResponse:
    """Any two wordings from the history, as a word-level diff (older first)."""
    agreement = _agreement(request, pk)
    history = list(_history(request, agreement))
    form = CompareForm(request.GET or None, history=history)
    if form.is_bound and not form.is_valid():
        messages.error(request, _("Choose two versions from the lists."))
    old, new = form.pair()
    ctx = {
        "agreement": agreement,
        "history": history,
        "old": old,
        "new": new,
        "pieces": word_diff(old.text, new.text) if old and new else [],
        "members": access.current_partners(request),
    }
    return render(request, "agreements/compare.html", ctx)


def _agreement(request: HttpRequest, pk: int) -> Agreement:
    visible = Agreement.objects.visible_to(access.current_membership(request))
    return get_object_or_404(visible.select_related("couple", "current"), pk=pk)


def _history(request: HttpRequest, agreement: Agreement) -> AgreementVersionQuerySet:
    """The agreement's versions the signed-in person may read, newest first."""
    return agreement.versions.visible_to(access.current_membership(request))


def _detail(
    request: HttpRequest,
    agreement: Agreement,
    history: list[AgreementVersion],
    *,
    decline_form: DeclineForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The agreement page; `history` is `_history` of the agreement, with who proposed and
    who answered each wording."""
    user = access.member(request)
    now = timezone.now()
    proposal = next((v for v in history if v.is_open(now)), None)
    current = agreement.current
    members = access.current_partners(request)
    ctx = {
        "agreement": agreement,
        "current": current,
        "proposal": proposal,
        "proposal_diff": word_diff(current.text, proposal.text)
        if proposal and current and proposal.kind == AgreementVersion.Kind.CHANGE
        else None,
        "awaits_me": proposal is not None and proposal.awaits(user, now),
        "history_rows": _history_rows(agreement, history, user, members),
        "now": now,
        "decline_form": decline_form or DeclineForm(),
        "retire_form": RetireForm(initial={"base_version": agreement.version}),
        "members": members,
    }
    return render(request, "agreements/detail.html", ctx, status=status)


@dataclass(frozen=True)
class HistoryRow:
    """A wording in the detail page's history, with its people and dates made ready once
    rather than through an include and a filter each, row after row."""

    version: AgreementVersion
    proposer: Who
    responder: Who
    created: str
    responded: str
    # The comparison with the wording before it, if there is one.
    compare_url: str


def _history_rows(
    agreement: Agreement, history: list[AgreementVersion], user: User, members: list[User]
) -> list[HistoryRow]:
    compare = reverse("agreement_compare", args=[agreement.pk])
    return [
        HistoryRow(
            version=version,
            proposer=who(version.proposed_by_id, reader_id=user.pk, members=members),
            responder=who(version.responded_by_id, reader_id=user.pk, members=members),
            created=_formatted(version.created_at, "DATETIME_FORMAT"),
            responded=_formatted(version.responded_at, "DATE_FORMAT"),
            compare_url=f"{compare}?a={older.pk}&b={version.pk}" if older else "",
        )
        for version, older in zip(history, [*history[1:], None], strict=True)
    ]


def _formatted(moment: datetime | None, format_name: str) -> str:
    """`moment` as the template filter `date:format_name` shows it."""
    if moment is None:
        return ""
    return formats.date_format(timezone.localtime(moment), format_name)


RECENT_PAUSES = 20


@access.couple_required
@require_http_methods(["GET", "HEAD", "POST"])
def pause(request: HttpRequest) -> HttpResponse:
    """Start a pause, or, while one is on, the calm page both partners see."""
    user = access.member(request)
    couple = access.current_couple(request)
    now = timezone.now()
    partners = access.current_partners(request)
    pauses = list(
        PauseSignal.objects.open_then_past(access.current_membership(request), now).select_related(
            "sender"
        )[: RECENT_PAUSES + 1]
    )
    current = pauses[0] if pauses and pauses[0].ended_at is None else None
    # Just after a pause ends, both land on the way back in; a new pause is one tap further.
    reentry = (
        pauses[0]
        if current is None
        and pauses
        and "new" not in request.GET
        and request.method != "POST"
        and pauses[0].ended_at is not None
        and now - pauses[0].ended_at < PAUSE_REENTRY
        else None
    )
    defaults = services.pause_defaults(couple)
    # The phrases are only offered while no pause is on.
    phrases = services.pause_phrases(couple, defaults) if current is None else []
    form = PauseForm(request.POST or None, defaults=defaults, phrases=phrases, now=now)
    if request.method == "POST" and current is None and form.is_valid():
        try:
            current, started = services.start_pause(
                couple=couple,
                sender=user,
                phrase=form.cleaned_data["text"],
                minutes=form.cleaned_data["minutes"],
            )
        except RefusedError as e:
            messages.error(request, str(e))
            return redirect("pause")
        if not started:
            messages.info(request, _("Your partner asked for a pause a moment ago. Here it is."))
        return redirect("pause")
    if request.method == "POST" and current is not None:
        messages.info(request, _("A pause is already on. Here it is."))
        return redirect("pause")
    ctx: dict[str, object] = {
        "couple": couple,
        "pause": current,
        "partners": partners,
        "members": partners,
        "defaults": defaults,
        "form": form,
        "now": now,
        "reentry": reentry,
        "on_pause_page": True,
    }
    if current is not None:
        ctx |= {
            "same_day": timezone.localdate(current.returns_at) == timezone.localdate(now),
            "partner": next((p for p in partners if p.pk != user.pk), None),
            "is_sender": current.sender_id == user.pk,
            "is_due": current.is_due(now),
            "is_ready": current.is_ready(user),
            "seconds_left": max(0, int((current.returns_at - now).total_seconds())),
            "extend_form": ExtendForm() if current.can_extend(now) else None,
        }
    else:
        # Their dates formatted here, as the template's `date` filter would, at a fraction of
        # its cost per row.
        ctx["past"] = [
            (
                entry,
                timezone.localtime(entry.started_at).isoformat(timespec="seconds"),
                _formatted(entry.started_at, "WEEKDAY_DATETIME_FORMAT"),
            )
            for entry in pauses[:RECENT_PAUSES]
        ]
    return render(request, "agreements/pause.html", ctx)


def _acting_on(request: HttpRequest, pk: int) -> PauseSignal:
    # The pause page's pauses (`open_then_past`): the couple's open one, which a member who
    # joined after it began may still answer, and those they may look back on.
    pauses = PauseSignal.objects.open_then_past(access.current_membership(request), timezone.now())
    return get_object_or_404(pauses, pk=pk)


@access.couple_required
@require_POST
def pause_extend(request: HttpRequest, pk: int) -> HttpResponse:
    user = access.member(request)
    signal = _acting_on(request, pk)
    form = ExtendForm(request.POST)
    if not form.is_valid():
        messages.error(request, str(form.errors["minutes"][0]))
        return redirect("pause")
    try:
        signal = services.extend_pause(pause=signal, by=user, minutes=form.cleaned_data["minutes"])
    except RefusedError as e:
        messages.error(request, str(e))
        return redirect("pause")
    messages.success(
        request,
        _("The pause now runs until %(time)s.")
        % {"time": services.local_time(signal.returns_at, user)},
    )
    return redirect("pause")


@access.couple_required
@require_POST
def pause_end(request: HttpRequest, pk: int) -> HttpResponse:
    user = access.member(request)
    try:
        services.end_pause(pause=_acting_on(request, pk), by=user)
    except RefusedError as e:
        messages.error(request, str(e))
        return redirect("pause")
    messages.success(request, _("The pause has ended. Welcome back."))
    return redirect("pause")


@access.couple_required
@require_POST
def pause_take_time(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        services.take_your_time(pause=_acting_on(request, pk), user=access.member(request))
    except RefusedError as e:
        messages.error(request, str(e))
    return redirect("pause")


@access.couple_required
@require_POST
def pause_ready(request: HttpRequest, pk: int) -> HttpResponse:
    user = access.member(request)
    try:
        signal = services.ready_to_return(pause=_acting_on(request, pk), user=user)
    except RefusedError as e:
        messages.error(request, str(e))
        return redirect("pause")
    if signal.ended_at is not None:
        messages.success(request, _("You're both ready. The pause has ended. Welcome back."))
    return redirect("pause")


def pause_banner(request: HttpRequest) -> HttpResponse:
    """Polled by every page of a paired member, which was rendered with the banner. A page
    sends back the stamp it was given (`v`); while it still matches, the answer is an empty
    204 from the session and one query that also checks it (`core.fastpath`): it tells nothing
    to anyone, so only a changed state pays for `request.user` and the full banner."""
    version = request.GET.get("v")
    user_id = fastpath.session_user_id(request)
    found = None
    if request.method in ("GET", "HEAD") and version and user_id is not None:
        found = fastpath.pause_stamp(user_id)
    unchanged = (
        found is not None
        and version == banner.stamp(found.pause_id, found.version)
        and fastpath.session_is_valid(request, password=found.password, is_active=found.is_active)
    )
    if unchanged:
        return HttpResponse(status=204)
    return _pause_banner(request)


@access.couple_required
@require_safe
def _pause_banner(request: HttpRequest) -> HttpResponse:
    shown = banner.for_member(
        couple=access.current_couple(request),
        user=access.member(request),
        members=access.current_partners(request),
    )
    ctx = {
        "banner": shown,
        "just_ended": shown.pause is None and bool(request.GET.get("p")),
        "on_pause_page": request.GET.get("on") == "pause",
    }
    return render(request, "agreements/pause_banner.html", ctx)
