from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from agreements import services, starters
from agreements.diff import word_diff
from agreements.forms import (
    DeclineForm,
    EmailPreferenceForm,
    ExtendForm,
    NewAgreementForm,
    PauseEmailForm,
    PauseForm,
    ProposalForm,
    RetireForm,
)
from agreements.models import Agreement, AgreementVersion, Category, PauseSignal
from couples import access
from couples.models import Membership
from couples.services import RefusedError
from toolkit.models import TriggerScript


@access.couple_required
@require_http_methods(["GET"])
def agreement_list(request: HttpRequest) -> HttpResponse:
    user = access.member(request)
    couple = access.current_couple(request)
    now = timezone.now()
    open_proposals = {
        p.agreement_id: p
        for p in AgreementVersion.objects.open(now)
        .filter(agreement__couple=couple)
        .select_related("proposed_by")
    }
    rows = [
        (a, open_proposals.get(a.pk))
        for a in Agreement.objects.filter(couple=couple).select_related("current")
    ]
    ctx = {
        "awaiting": [(a, p) for a, p in rows if p and p.awaits(user, now)],
        "categories": [
            (label, [(a, p) for a, p in rows if a.category == value and not a.is_retired])
            for value, label in Category.choices
        ],
        "retired": [a for a, _p in rows if a.is_retired],
        "member_ids": {p.pk for p in access.partners(couple)},
    }
    return render(request, "agreements/list.html", ctx)


@access.couple_required
@require_http_methods(["GET", "POST"])
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

    starter = starters.find(request.GET.get("starter", ""))
    category = request.GET.get("category", "")
    if starter is None and category not in Category.values:
        ctx = {"starters": starters.STARTERS, "categories": Category.choices}
        return render(request, "agreements/new.html", ctx)
    initial: dict[str, Any] = {"category": category, "base_version": 0}
    if starter is not None:
        initial.update(vars(starter), category=starter.category)
    return render(request, "agreements/new.html", {"form": NewAgreementForm(initial=initial)})


@access.couple_required
@require_http_methods(["GET"])
def agreement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _agreement(request, pk))


@access.couple_required
@require_http_methods(["GET", "POST"])
def agreement_propose(request: HttpRequest, pk: int) -> HttpResponse:
    """Propose a change; when the partner's proposal is open, this is a counter-proposal."""
    user = access.member(request)
    agreement = _agreement(request, pk)
    now = timezone.now()
    proposal = agreement.versions.open(now).select_related("proposed_by").first()
    if agreement.is_retired:
        messages.error(request, _("This agreement was retired, so it can no longer change."))
        return redirect("agreement", pk=agreement.pk)
    if proposal and proposal.proposed_by_id == user.pk:
        messages.info(
            request, _("Your proposal is still waiting. Withdraw it first to propose another.")
        )
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
                agreement.refresh_from_db()
                proposal = agreement.versions.open(now).select_related("proposed_by").first()
                now_in_place = {
                    "base_version": agreement.version,
                    "counters": proposal.pk if proposal else None,
                }
                form = ProposalForm({**request.POST.dict(), **now_in_place}, pause=pause)
            else:
                messages.success(request, _("Proposed. Your partner will find it waiting."))
                return redirect("agreement", pk=agreement.pk)
    else:
        source = proposal or agreement.current
        initial = {"base_version": agreement.version, "counters": proposal.pk if proposal else None}
        if source is not None:
            initial.update({f: getattr(source, f) for f in ProposalForm.Meta.fields if f != "note"})
        form = ProposalForm(initial=initial, pause=pause)
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
    try:
        proposal = services.accept(agreement=agreement, proposal_id=_proposal_id(request), by=user)
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
        return _detail(request, agreement, decline_form=form, status=400)
    try:
        services.decline(
            agreement=agreement,
            proposal_id=_proposal_id(request),
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
    try:
        services.withdraw(agreement=agreement, proposal_id=_proposal_id(request), by=user)
    except RefusedError as e:
        messages.error(request, str(e))
    else:
        messages.success(request, _("Withdrawn."))
    return redirect("agreement", pk=agreement.pk)


@access.couple_required
@require_http_methods(["GET"])
def agreement_compare(request: HttpRequest, pk: int) -> HttpResponse:
    """Any two wordings from the history, as a word-level diff (older first)."""
    agreement = _agreement(request, pk)
    history = list(agreement.versions.select_related("proposed_by"))
    by_id = {str(v.pk): v for v in history}
    old, new = by_id.get(request.GET.get("a", "")), by_id.get(request.GET.get("b", ""))
    if old is None or new is None:
        if request.GET:
            messages.error(request, _("Choose two versions from the lists."))
        accepted = [v for v in history if v.number]
        old = accepted[1] if len(accepted) > 1 else history[-1] if history else None
        new = accepted[0] if accepted else history[0] if history else None
    elif old.created_at > new.created_at:
        old, new = new, old
    ctx = {
        "agreement": agreement,
        "history": history,
        "old": old,
        "new": new,
        "pieces": word_diff(old.text, new.text) if old and new else [],
        "member_ids": {p.pk for p in access.partners(agreement.couple)},
    }
    return render(request, "agreements/compare.html", ctx)


@login_required
@require_POST
def email_preference(request: HttpRequest) -> HttpResponse:
    form = EmailPreferenceForm(request.POST)
    form.is_valid()
    services.set_email_preference(
        user=access.member(request), on=bool(form.cleaned_data.get("proposal_emails"))
    )
    messages.success(request, _("Saved."))
    return redirect("settings")


def _agreement(request: HttpRequest, pk: int) -> Agreement:
    couple = access.current_couple(request)
    queryset = Agreement.objects.select_related("couple", "current")
    return access.get_for_couple(queryset, couple, pk=pk)


def _proposal_id(request: HttpRequest) -> int:
    value = request.POST.get("proposal", "")
    if not (value.isascii() and value.isdigit()):
        raise RefusedError(_("That proposal doesn't belong to this agreement."))
    return int(value)


def _detail(
    request: HttpRequest,
    agreement: Agreement,
    *,
    decline_form: DeclineForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = access.member(request)
    now = timezone.now()
    history = list(agreement.versions.select_related("proposed_by", "responded_by"))
    proposal = next((v for v in history if v.is_open(now)), None)
    current = agreement.current
    ctx = {
        "agreement": agreement,
        "current": current,
        "proposal": proposal,
        "proposal_diff": word_diff(current.text, proposal.text)
        if proposal and current and proposal.kind == AgreementVersion.Kind.CHANGE
        else None,
        "awaits_me": proposal is not None and proposal.awaits(user, now),
        "history_rows": list(zip(history, [*history[1:], None], strict=True)),
        "now": now,
        "decline_form": decline_form or DeclineForm(),
        "retire_form": RetireForm(initial={"base_version": agreement.version}),
        "member_ids": {p.pk for p in access.partners(agreement.couple)},
    }
    return render(request, "agreements/detail.html", ctx, status=status)


RECENT_PAUSES = 20


@access.couple_required
@require_http_methods(["GET", "POST"])
def pause(request: HttpRequest) -> HttpResponse:
    """Start a pause, or, while one is on, the calm page both partners see."""
    user = access.member(request)
    couple = access.current_couple(request)
    now = timezone.now()
    partners = access.partners(couple)
    current = services.open_pause(couple, now)
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
        "defaults": defaults,
        "form": form,
        "now": now,
    }
    if current is not None:
        ctx |= {
            "sender_here": current.sender_id in {p.pk for p in partners},
            "is_sender": current.sender_id == user.pk,
            "is_due": current.is_due(now),
            "is_ready": current.is_ready(user),
            "seconds_left": max(0, int((current.returns_at - now).total_seconds())),
            "extend_form": ExtendForm() if current.can_extend(now) else None,
        }
    else:
        ctx["past"] = couple.pauses.ended()[:RECENT_PAUSES]
    return render(request, "agreements/pause.html", ctx)


def _acting_on(request: HttpRequest, pk: int) -> PauseSignal:
    return access.get_for_couple(PauseSignal.objects.all(), access.current_couple(request), pk=pk)


@access.couple_required
@require_POST
def pause_extend(request: HttpRequest, pk: int) -> HttpResponse:
    user = access.member(request)
    signal = _acting_on(request, pk)
    form = ExtendForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose how much longer you need."))
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
    """Polled by every page of a paired member. A page sends back the version stamp it was
    given (`v`); while it still matches, the answer is an empty 204 after one query (the
    person's couple). The session comes from the cache and `request.user` is never loaded on
    that path: it tells nothing to anyone, so only a changed state pays for the full check."""
    version = request.GET.get("v")
    user_id = request.session.get(SESSION_KEY)
    if request.method == "GET" and version and user_id:
        couple_id = (
            Membership.objects.filter(user_id=user_id).values_list("couple_id", flat=True).first()
        )
        if couple_id is not None and version == services.pause_version(couple_id):
            return HttpResponse(status=204)
    return _pause_banner(request)


@access.couple_required
@require_http_methods(["GET"])
def _pause_banner(request: HttpRequest) -> HttpResponse:
    user = access.member(request)
    couple = access.current_couple(request)
    # Read the stamp before the rows: a change in between makes the next poll look again.
    version = services.pause_version(couple.pk)
    current = services.open_pause(couple, timezone.now())
    ctx: dict[str, object] = {
        "version": version,
        "pause": current,
        "just_ended": current is None and bool(request.GET.get("p")),
    }
    if current is not None:
        sender = current.sender
        ctx["sender_here"] = sender_here = current.sender_id in {
            p.pk for p in access.partners(couple)
        }
        if sender is not None and sender_here and sender.pk != user.pk:
            # What the sender chose to share about their pauses, so the partner knows what
            # this one means. The sender knows their own scripts.
            scripts = TriggerScript.objects.filter(couple=couple).shared_by(sender)
            ctx["scripts"] = list(scripts)
    return render(request, "agreements/pause_banner.html", ctx)


@login_required
@require_POST
def pause_email(request: HttpRequest) -> HttpResponse:
    user = access.member(request)
    form = PauseEmailForm(request.POST)
    form.is_valid()
    services.set_pause_email(user=user, email_me=form.cleaned_data.get("email_me", False))
    messages.success(request, _("Saved."))
    return redirect("settings")
