from __future__ import annotations

from datetime import datetime, time, timedelta

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import BooleanField, ExpressionWrapper, F, Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRefresh
from django_htmx.middleware import HtmxDetails

from agreements.models import Agreement, PauseSignal
from checkins import services
from checkins.forms import (
    AnswerForm,
    EntryForm,
    NextStepForm,
    ReflectionForm,
    ReplyForm,
    SearchForm,
)
from checkins.models import (
    CheckIn,
    Entry,
    Reflection,
    Status,
    current_week,
    feelings_for,
    parse_week,
    week_label,
)
from couples import access
from couples.models import Couple, Repair
from couples.services import RefusedError
from schedules.models import to_utc

HISTORY_PAGE_SIZE = 10
PICTURE_WEEKS = 26


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def _week_url(checkin: CheckIn) -> str:
    return reverse("checkin_week", args=[checkin.label])


def _refusal_page(request: HttpRequest, problem: str) -> HttpResponse:
    return render(request, "checkins/no_week.html", {"problem": problem}, status=404)


def _form_notes(form: forms.BaseForm) -> str:
    return " ".join(
        f"{form.fields[name].label}: {' '.join(str(e) for e in errors)}"
        for name, errors in form.errors.items()
    )


def _existing_week(couple: Couple, week: str) -> CheckIn:
    """A week the couple already has; anything else is a 404."""
    monday = parse_week(week)
    if monday is None:
        raise Http404
    return access.get_for_couple(CheckIn.objects.all(), couple, week_start=monday)


def _week_context(
    request: HttpRequest, couple: Couple, checkin: CheckIn, form: EntryForm | None = None
) -> dict[str, object]:
    user = access.member(request)
    partners = access.partners(couple)
    partner = next((p for p in partners if p.pk != user.pk), None)
    # Both partners' progress, without their words: the partner's entry itself is only read
    # through visible_to() below.
    progress = dict(checkin.entries.values_list("author_id", "shared_at"))
    entries = list(
        checkin.entries.visible_to(user)
        .select_related("author")
        .prefetch_related(Prefetch("reflections", Reflection.objects.select_related("listener")))
    )
    own = next((e for e in entries if e.author_id == user.pk), None)
    is_current = checkin.week_start == current_week(couple)
    editing = is_current and (own is None or not own.shared or "edit" in request.GET)
    if form is None and editing:
        form = EntryForm(instance=own or Entry(), feelings=feelings_for(couple))
    return {
        "couple": couple,
        "checkin": checkin,
        "week": checkin.label,
        "is_current": is_current,
        "partner": partner,
        "member_ids": {p.pk for p in partners},
        "own": own,
        "own_status": Status.of(user.pk in progress, progress.get(user.pk)),
        "partner_status": Status.of(
            partner is not None and partner.pk in progress,
            progress.get(partner.pk) if partner else None,
        ),
        "entries": entries,
        "form": form,
        "agenda": _agenda(couple, checkin, is_current),
    }


def _agenda(couple: Couple, checkin: CheckIn, is_current: bool) -> dict[str, object]:
    """What the week should also touch: last week's small step, the agreements and repair
    follow-ups whose day has come (on the current week, as of today in the couple's home
    zone), and the pauses taken that week, as plain entries."""
    week_start = to_utc(datetime.combine(checkin.week_start, time()), couple.tz)
    week_end = to_utc(datetime.combine(checkin.week_start + timedelta(days=7), time()), couple.tz)
    agenda: dict[str, object] = {
        "last_step": CheckIn.objects.filter(
            couple=couple, week_start__lt=checkin.week_start, closed_at__isnull=False
        ).first(),
        "agreements_due": [],
        "repairs_due": [],
        "pauses": list(
            PauseSignal.objects.for_couple(couple)
            .between(week_start, week_end)
            .filter(ended_at__isnull=False)
        ),
    }
    if is_current:
        today = timezone.localdate(timezone=couple.tz)
        agenda["agreements_due"] = list(Agreement.objects.due_for_revisit(couple, today))
        agenda["repairs_due"] = list(Repair.objects.follow_ups_due(couple, today))
    return agenda


@access.couple_required
@require_http_methods(["GET"])
def this_week(request: HttpRequest) -> HttpResponse:
    couple = access.current_couple(request)
    return redirect("checkin_week", week=week_label(current_week(couple)))


@access.couple_required
@require_http_methods(["GET"])
def week(request: HttpRequest, week: str) -> HttpResponse:
    couple = access.current_couple(request)
    monday = parse_week(week)
    if monday is None:
        return _refusal_page(
            request,
            _("“%(week)s” isn't a week Hearth knows. Weeks look like 2026-W48.") % {"week": week},
        )
    try:
        checkin = services.open_week(couple=couple, monday=monday)
    except RefusedError as e:
        messages.info(request, str(e))
        return redirect("checkin_this_week")
    if checkin is None:
        return _refusal_page(
            request,
            _("There's no check-in for the week of %(day)s. A quiet week is just a gap.")
            % {"day": monday.strftime("%d %B %Y")},
        )
    return render(request, "checkins/week.html", _week_context(request, couple, checkin))


@access.couple_required
@require_POST
def entry(request: HtmxHttpRequest, week: str) -> HttpResponse:
    """Save the person's own draft (debounced by htmx as they type, or the Save button), and
    share it when they press Share. An htmx save answers with the small save notice only."""
    user = access.member(request)
    couple = access.current_couple(request)
    checkin = _existing_week(couple, week)
    own = checkin.entries.filter(author=user).first() or Entry(checkin=checkin, author=user)
    form = EntryForm(request.POST, instance=own, feelings=feelings_for(couple))
    problem = ""
    if form.is_valid():
        try:
            own = services.save_entry(
                checkin=checkin, couple=couple, author=user, fields=form.cleaned_data
            )
            if "share" in request.POST:
                checkin = services.share_entry(checkin=checkin, couple=couple, author=user)
        except RefusedError as e:
            problem = str(e)
    else:
        problem = _("Not saved yet. %(notes)s") % {"notes": _form_notes(form)}
    if request.htmx:
        ctx = {"own": own, "problem": problem, "form": form}
        return render(request, "checkins/week.html#save-state", ctx)
    if problem:
        messages.error(request, problem)
        ctx = _week_context(request, couple, checkin, form=form)
        return render(request, "checkins/week.html", ctx, status=400)
    if "share" in request.POST:
        if checkin.revealed:
            messages.success(request, _("You have both shared. Here you both are."))
        else:
            messages.success(
                request, _("Shared. It opens for both of you when your partner shares too.")
            )
    else:
        messages.success(request, _("Saved privately. Only you can see it."))
    return redirect(_week_url(checkin) + "#your-entry")


@login_required
@require_http_methods(["GET"])
def status(request: HtmxHttpRequest, week: str) -> HttpResponse:
    """The partner's status, polled every few seconds while the week page is open.

    One query besides the signed-in user: the week is found through the member's couple in the
    same query that reads both partners' progress, so another couple's week is simply absent.
    Answers 204 when nothing changed since `shown`, and reloads the page at the reveal."""
    user = access.member(request)
    monday = parse_week(week)
    if monday is None:
        raise Http404
    rows = list(
        CheckIn.objects.filter(couple__memberships__user_id=user.pk, week_start=monday).values_list(
            "revealed_at",
            "entries__author_id",
            "entries__shared_at",
            # Whether the author is still in this couple: a former partner's entry is not the
            # partner's status.
            ExpressionWrapper(
                Q(entries__author__membership__couple_id=F("couple_id")),
                output_field=BooleanField(),
            ),
        )
    )
    if not rows:
        raise Http404
    if rows[0][0] is not None:
        if request.htmx:
            return HttpResponseClientRefresh()
        return redirect("checkin_week", week=week)
    partner_rows = [
        (shared_at,)
        for _r, author_id, shared_at, is_member in rows
        if is_member and author_id not in (None, user.pk)
    ]
    partner_status = Status.of(bool(partner_rows), partner_rows[0][0] if partner_rows else None)
    if request.htmx and request.GET.get("shown") == partner_status:
        return HttpResponse(status=204)
    ctx = {"week": week, "partner_status": partner_status}
    return render(request, "checkins/week.html#status", ctx)


def _reflection(couple: Couple, week: str, pk: int) -> Reflection:
    checkin = _existing_week(couple, week)
    return get_object_or_404(
        Reflection.objects.select_related("entry__checkin").filter(
            entry__checkin=checkin, entry__checkin__revealed_at__isnull=False
        ),
        pk=pk,
    )


def _written(
    request: HttpRequest, couple: Couple, checkin: CheckIn, problem: str, retry: dict[str, object]
) -> HttpResponse:
    """After a short written answer: back to its place on the page, or, when refused, the page
    again with the message and the words as typed in their box."""
    fragment = f"#{retry['anchor']}"
    if not problem:
        return redirect(_week_url(checkin) + fragment)
    messages.error(request, problem)
    ctx = _week_context(request, couple, checkin)
    ctx["retry"] = retry
    return render(request, "checkins/week.html", ctx, status=400)


@access.couple_required
@require_POST
def reflect(request: HttpRequest, week: str, pk: int) -> HttpResponse:
    user = access.member(request)
    couple = access.current_couple(request)
    checkin = _existing_week(couple, week)
    target = get_object_or_404(checkin.entries.visible_to(user), pk=pk)
    form = ReflectionForm(request.POST)
    problem = _form_notes(form)
    if form.is_valid():
        try:
            services.reflect(
                entry=target, couple=couple, listener=user, heard=form.cleaned_data["heard"]
            )
        except RefusedError as e:
            problem = str(e)
    retry = {
        "anchor": f"listening-{pk}",
        "field": "heard",
        "pk": pk,
        "text": form.data.get("heard", ""),
    }
    return _written(request, couple, checkin, problem, retry)


@access.couple_required
@require_POST
def answer(request: HttpRequest, week: str, pk: int) -> HttpResponse:
    user = access.member(request)
    couple = access.current_couple(request)
    reflection = _reflection(couple, week, pk)
    form = AnswerForm(request.POST)
    problem = _form_notes(form)
    if form.is_valid():
        try:
            services.answer_reflection(
                reflection=reflection, couple=couple, author=user, **form.cleaned_data
            )
        except RefusedError as e:
            problem = str(e)
    retry = {
        "anchor": f"listening-{reflection.entry_id}",
        "field": "clarification",
        "pk": pk,
        "text": form.data.get("clarification", ""),
    }
    return _written(request, couple, reflection.entry.checkin, problem, retry)


@access.couple_required
@require_POST
def reply(request: HttpRequest, week: str, pk: int) -> HttpResponse:
    user = access.member(request)
    couple = access.current_couple(request)
    reflection = _reflection(couple, week, pk)
    form = ReplyForm(request.POST)
    problem = _form_notes(form)
    if form.is_valid():
        try:
            services.reply(
                reflection=reflection, couple=couple, listener=user, text=form.cleaned_data["reply"]
            )
        except RefusedError as e:
            problem = str(e)
    retry = {
        "anchor": f"listening-{reflection.entry_id}",
        "field": "reply",
        "pk": pk,
        "text": form.data.get("reply", ""),
    }
    return _written(request, couple, reflection.entry.checkin, problem, retry)


@access.couple_required
@require_POST
def propose_step(request: HttpRequest, week: str) -> HttpResponse:
    user = access.member(request)
    couple = access.current_couple(request)
    checkin = _existing_week(couple, week)
    form = NextStepForm(request.POST)
    problem = _form_notes(form)
    if form.is_valid():
        try:
            services.propose_next_step(
                checkin=checkin, couple=couple, by=user, text=form.cleaned_data["next_step"]
            )
        except RefusedError as e:
            problem = str(e)
    retry = {"anchor": "closing", "field": "next_step", "text": form.data.get("next_step", "")}
    return _written(request, couple, checkin, problem, retry)


@access.couple_required
@require_POST
def agree_step(request: HttpRequest, week: str) -> HttpResponse:
    user = access.member(request)
    couple = access.current_couple(request)
    checkin = _existing_week(couple, week)
    try:
        services.agree_next_step(
            checkin=checkin, couple=couple, by=user, proposed_at=request.POST.get("proposed_at", "")
        )
    except RefusedError as e:
        messages.error(request, str(e))
    return redirect(_week_url(checkin) + "#closing")


@access.couple_required
@require_POST
def resolve(request: HttpRequest, week: str, pk: int) -> HttpResponse:
    user = access.member(request)
    couple = access.current_couple(request)
    checkin = _existing_week(couple, week)
    target = get_object_or_404(checkin.entries.visible_to(user), pk=pk)
    try:
        services.mark_resolved(entry=target, by=user, resolved=request.POST.get("resolved") != "0")
    except RefusedError as e:
        messages.error(request, str(e))
    back = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return redirect(back)
    return redirect(_week_url(checkin))


@access.couple_required
@require_http_methods(["GET"])
def history(request: HttpRequest) -> HttpResponse:
    user = access.member(request)
    couple = access.current_couple(request)
    search = SearchForm(request.GET)
    q = search.cleaned_data["q"].strip() if search.is_valid() else ""
    visible = Entry.objects.visible_to(user).select_related("author")
    weeks = couple.checkins.prefetch_related(Prefetch("entries", visible, to_attr="visible"))
    if q:
        found = visible.filter(
            Q(small_win__icontains=q)
            | Q(challenge__icontains=q)
            | Q(appreciation__icontains=q)
            | Q(help_wanted__icontains=q)
            | Q(feelings__icontains=q),
            checkin__couple=couple,
        )
        weeks = weeks.filter(Q(pk__in=found.values("checkin")) | Q(next_step__icontains=q))
    page = Paginator(weeks, HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))

    this_monday = current_week(couple)
    carried_over = (
        visible.filter(
            checkin__couple=couple,
            checkin__revealed_at__isnull=False,
            checkin__week_start__lt=this_monday,
            challenge_resolved_at__isnull=True,
        )
        .select_related("checkin")
        .order_by("-checkin__week_start", "id")
    )
    first = this_monday - timedelta(weeks=PICTURE_WEEKS - 1)
    met = set(
        couple.checkins.filter(week_start__gte=first, revealed_at__isnull=False).values_list(
            "week_start", flat=True
        )
    )
    picture = [
        {
            "monday": first + timedelta(weeks=i),
            "met": first + timedelta(weeks=i) in met,
            "x": i * 12,
        }
        for i in range(PICTURE_WEEKS)
    ]
    partners = access.partners(couple)
    ctx = {
        "couple": couple,
        "page": page,
        "q": q,
        "search": search,
        "carried_over": list(carried_over),
        "picture": picture,
        "weeks_met": len(met),
        "picture_width": PICTURE_WEEKS * 12,
        "member_ids": {p.pk for p in partners},
        "this_week": week_label(this_monday),
    }
    return render(request, "checkins/history.html", ctx)
