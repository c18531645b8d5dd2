from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_htmx.http import HttpResponseClientRefresh
from django_htmx.middleware import HtmxDetails

from checkins import services
from checkins.forms import (
    PROMPT_VIEWS,
    AgreeStepForm,
    AnswerForm,
    EntryActionForm,
    EntryForm,
    NextStepForm,
    PromptBrowseForm,
    PromptForm,
    PromptMarkForm,
    ReflectionForm,
    ReplyForm,
    ResolveForm,
    SearchForm,
    WeekPromptForm,
)
from checkins.models import (
    CARRIED_OVER_STEP,
    CheckIn,
    CheckInQuerySet,
    Entry,
    Prompt,
    PromptCategory,
    Reflection,
    Status,
    current_week,
    feelings_for,
    parse_week,
    week_label,
)
from checkins.ritual import Heard, Proposer, WeekFacts, next_step
from core.errors import RefusedError
from core.who import Who, who
from couples import access
from couples.models import Couple, User

HISTORY_PAGE_SIZE = 10
LAST_POSSIBLE_PAGE = date.max.toordinal() // 7 // HISTORY_PAGE_SIZE + 1

PROMPT_MARKED = {
    "favourite": _lazy("Added to your favourites."),
    "unfavourite": _lazy("Removed from your favourites."),
    "retire": _lazy("Retired. Hearth won't offer it again; you can bring it back under Retired."),
    "restore": _lazy("Brought back. A check-in may offer it again."),
    "save": _lazy("Saved for your next check-in. Hearth offers it ahead of the others."),
    "unsave": _lazy("No longer saved for your next check-in."),
}


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


def _existing_week(request: HttpRequest, week: str) -> CheckIn:
    """A week the couple already has, with its agenda's last step; anything else is a 404."""
    monday = parse_week(week)
    if monday is None:
        raise Http404
    weeks = CheckIn.objects.for_week_page(access.current_membership(request))
    return get_object_or_404(weeks, week_start=monday)


def _readable_entry(request: HttpRequest, couple: Couple, checkin: CheckIn, pk: int) -> Entry:
    """One entry of the week that the signed-in person may read; anything else is a 404."""
    entries = Entry.objects.visible_to(access.current_membership(request))
    return get_object_or_404(entries, checkin=checkin, pk=pk)


def _week_context(
    request: HttpRequest, couple: Couple, checkin: CheckIn, form: EntryForm | None = None
) -> dict[str, object]:
    user = access.member(request)
    membership = access.current_membership(request)
    partners = access.current_partners(request)
    partner = next((p for p in partners if p.pk != user.pk), None)
    # What the member may read of the week, scoped to their couple by `visible_to`; the
    # reflections are those of these entries, read where their entry is.
    entries = list(
        Entry.objects.visible_to(membership).filter(checkin=checkin).prefetch_related("reflections")
    )
    own = next((e for e in entries if e.author_id == user.pk), None)
    # Both partners' progress: one's own entry is always one's to read; of the partner's, the
    # week was read with its progress alone, never its words (`CheckInQuerySet.for_week_page`).
    progress: dict[int | None, datetime | None] = {user.pk: own.shared_at} if own else {}
    if partner and checkin.partner_started:
        progress[partner.pk] = checkin.partner_shared_at
    is_current = checkin.week_start == current_week(couple)
    open_week = is_current and not checkin.closed
    editing = open_week and (own is None or not own.shared or "edit" in request.GET)
    if form is None and editing:
        form = EntryForm(instance=own or Entry(), feelings=feelings_for(couple))
    step_text = checkin.step_for(membership)
    facts = _page_facts(
        checkin, own=own, entries=entries, partner=partner, step_text=step_text, me=user.pk
    )
    return {
        "couple": couple,
        "checkin": checkin,
        "week": checkin.label,
        "is_current": is_current,
        "open_week": open_week,
        "step": next_step(facts),
        "partner": partner,
        "members": partners,
        "own": own,
        "own_status": Status.of(progress, user.pk),
        "partner_status": Status.of(progress, partner.pk if partner else None),
        "entries": entries,
        "form": form,
        "step_text": step_text,
        "agenda": services.week_agenda(membership=membership, checkin=checkin),
        "prompt": services.week_prompt(checkin=checkin, couple=couple),
    }


def _latest_answer(entry: Entry | None, listener_id: int | None) -> str | None:
    """The answer to `listener_id`'s latest paraphrase of `entry`'s challenge ("" while
    unanswered), or None without one; read from the prefetched reflections."""
    if entry is None or listener_id is None:
        return None
    tries = [r for r in entry.reflections.all() if r.listener_id == listener_id]
    return tries[-1].answer if tries else None


def _page_facts(
    checkin: CheckIn,
    *,
    own: Entry | None,
    entries: list[Entry],
    partner: User | None,
    step_text: str,
    me: int,
) -> WeekFacts:
    """The week's facts as the page already read them (`checkins.ritual.next_step`)."""
    partner_id = partner.pk if partner else None
    theirs = next((e for e in entries if partner_id and e.author_id == partner_id), None)
    by = checkin.next_step_by_id if step_text else None
    return WeekFacts(
        partner=partner.display_name if partner else "",
        own_started=own is not None,
        own_shared=own is not None and own.shared,
        partner_shared=checkin.partner_shared_at is not None,
        revealed=checkin.revealed,
        i_heard=Heard.of(_latest_answer(theirs, me)),
        they_heard=Heard.of(_latest_answer(own, partner_id)),
        proposer=Proposer.READER
        if by == me
        else Proposer.PARTNER
        if by is not None and by == partner_id
        else Proposer.NOBODY,
        closed=checkin.closed and bool(step_text),
    )


@access.couple_required
@require_safe
def this_week(request: HttpRequest) -> HttpResponse:
    couple = access.current_couple(request)
    return redirect("checkin_week", week=week_label(current_week(couple)))


@access.couple_required
@require_safe
def week(request: HttpRequest, week: str) -> HttpResponse:
    couple = access.current_couple(request)
    membership = access.current_membership(request)
    monday = parse_week(week)
    if monday is None:
        return _refusal_page(
            request,
            _("“%(week)s” isn't a week Hearth knows. Weeks look like 2026-W48.") % {"week": week},
        )
    try:
        checkin = services.open_week(membership=membership, monday=monday)
    except RefusedError as e:
        messages.info(request, str(e))
        return redirect("checkin_this_week")
    if checkin is None:
        return _refusal_page(
            request,
            _("There's no check-in for the week of %(day)s. A quiet week is just a gap.")
            % {"day": date_format(monday, "DATE_FORMAT")},
        )
    return render(request, "checkins/week.html", _week_context(request, couple, checkin))


@access.couple_required
@require_POST
def entry(request: HtmxHttpRequest, week: str) -> HttpResponse:
    """Save the person's own draft (debounced by htmx as they type, or the Save button), and
    share it when they press Share. An htmx save answers with the small save notice only."""
    user = access.member(request)
    couple = access.current_couple(request)
    checkin = _existing_week(request, week)
    # The week is the couple's (`_existing_week`), so one's own entry of it is found by author.
    own = Entry.objects.filter(checkin=checkin, author=user).first()
    own = own or Entry(checkin=checkin, author=user)
    form = EntryForm(request.POST, instance=own, feelings=feelings_for(couple))
    share = EntryActionForm(request.POST)
    sharing = share.is_valid() and share.cleaned_data["share"]
    problem = ""
    if form.is_valid():
        try:
            own = services.write_entry(
                checkin=checkin, couple=couple, author=user, fields=form.cleaned_data, share=sharing
            )
        except RefusedError as e:
            problem = str(e)
            if sharing:
                _mark_missing(form)
    else:
        problem = _("Not saved yet. %(notes)s") % {"notes": _form_notes(form)}
    if request.htmx:
        ctx = {
            "own": own,
            "problem": problem,
            "form": form,
            "own_status": own.status if own.pk else Status.NOT_STARTED,
            # The page shows one's own status until the week opens; keep it current.
            "oob": checkin.week_start == current_week(couple) and not checkin.revealed,
        }
        return render(request, "checkins/week.html#save-state", ctx)
    if problem:
        messages.error(request, problem)
        ctx = _week_context(request, couple, checkin, form=form)
        return render(request, "checkins/week.html", ctx, status=400)
    if not sharing:
        messages.success(request, own.saved_notice())
    # A share needs no message: the page it lands on says what the share did, in its title and
    # beside the entry.
    return redirect(_week_url(checkin) + "#your-entry")


MISSING_TO_SHARE = {
    "small_win": _lazy("Write one small win to share."),
    "challenge": _lazy("Write one remaining challenge to share."),
}


def _mark_missing(form: EntryForm) -> None:
    """Say beside each field what sharing still needs."""
    for name, message in MISSING_TO_SHARE.items():
        if not form.cleaned_data.get(name, "").strip():
            form.add_error(name, str(message))


@login_required
@require_safe
def status(request: HtmxHttpRequest, week: str) -> HttpResponse:
    """Both partners' statuses, polled every few seconds while the week page is open.

    One query beyond the signed-in person's: the week is found through the member's couple in
    the same query that reads both partners' progress, so another couple's week is simply
    absent. Answers 204 when neither status changed since the page's, and reloads the page at
    the reveal."""
    monday = parse_week(week)
    poll = None
    if monday is not None:
        poll = CheckIn.objects.poll(user_id=access.member(request).pk, week_start=monday)
    if poll is None:
        raise Http404
    if poll.revealed:
        if request.htmx:
            return HttpResponseClientRefresh()
        return redirect("checkin_week", week=week)
    # The statuses the page shows, sent back by its poll: unchanged, the answer is empty. Only
    # an exact match of both counts; anything else is answered with the statuses.
    shown = (request.GET.get("own"), request.GET.get("partner"))
    if request.htmx and shown == (poll.own, poll.partner):
        return HttpResponse(status=204)
    ctx = {"week": week, "own_status": poll.own, "partner_status": poll.partner, "oob": True}
    return render(request, "checkins/week.html#status", ctx)


def _reflection(request: HttpRequest, checkin: CheckIn, pk: int) -> Reflection:
    """One reflection of `checkin`, once opened, that the signed-in person may read; else a
    404."""
    reflections = Reflection.objects.visible_to(access.current_membership(request))
    return get_object_or_404(
        reflections.select_related("entry__checkin"),
        entry__checkin=checkin,
        entry__checkin__revealed_at__isnull=False,
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
    checkin = _existing_week(request, week)
    target = _readable_entry(request, couple, checkin, pk)
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
    checkin = _existing_week(request, week)
    reflection = _reflection(request, checkin, pk)
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
    return _written(request, couple, checkin, problem, retry)


@access.couple_required
@require_POST
def reply(request: HttpRequest, week: str, pk: int) -> HttpResponse:
    user = access.member(request)
    couple = access.current_couple(request)
    checkin = _existing_week(request, week)
    reflection = _reflection(request, checkin, pk)
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
    return _written(request, couple, checkin, problem, retry)


@access.couple_required
@require_POST
def propose_step(request: HttpRequest, week: str) -> HttpResponse:
    user = access.member(request)
    couple = access.current_couple(request)
    checkin = _existing_week(request, week)
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
    checkin = _existing_week(request, week)
    form = AgreeStepForm(request.POST)
    proposed_at = form.cleaned_data["proposed_at"] if form.is_valid() else None
    try:
        services.agree_next_step(checkin=checkin, couple=couple, by=user, proposed_at=proposed_at)
    except RefusedError as e:
        messages.error(request, str(e))
    return redirect(_week_url(checkin) + "#closing")


@access.couple_required
@require_POST
def resolve(request: HttpRequest, week: str, pk: int) -> HttpResponse:
    user = access.member(request)
    couple = access.current_couple(request)
    checkin = _existing_week(request, week)
    target = _readable_entry(request, couple, checkin, pk)
    form = ResolveForm(request.POST)
    form.is_valid()
    try:
        services.mark_resolved(
            entry=target, by=user, resolved=form.cleaned_data.get("resolved", True)
        )
    except RefusedError as e:
        messages.error(request, str(e))
    return redirect(form.cleaned_data.get("next") or _week_url(checkin))


@access.couple_required
@require_POST
def bring_back(request: HttpRequest, week: str, pk: int) -> HttpResponse:
    """Bring one's own resting challenge back into view on the history."""
    user = access.member(request)
    couple = access.current_couple(request)
    checkin = _existing_week(request, week)
    target = _readable_entry(request, couple, checkin, pk)
    try:
        services.bring_back(entry=target, by=user)
    except RefusedError as e:
        messages.error(request, str(e))
    else:
        messages.success(request, _("Brought back. It stays with you for a few more weeks."))
    return redirect(reverse("checkins") + "#still-with-you")


@dataclass(frozen=True)
class HistoryWeek:
    """A week as the history lists it, its link and dates written out; each of `entries` is
    an entry the reader may read, who wrote it as the reader knows them (`core.who`) and the
    address where its author marks the challenge resolved ("" unless it is the reader's own
    shared entry)."""

    checkin: CheckIn
    url: str
    dates: str
    entries: list[tuple[Entry, Who, str]]


@dataclass(frozen=True)
class StillOpen:
    """One of the reader's own open challenges: its week's link and dates, and where they mark
    it resolved or bring it back from resting."""

    entry: Entry
    url: str
    dates: str
    resolve_url: str
    bring_back_url: str


def _history_page(weeks: CheckInQuerySet, number: str | None) -> Page[CheckIn]:
    """The page of `weeks` asked for, as `Paginator.get_page` gives it (the first page for a
    number that is none, the last one past the end), with the number of weeks read in the
    page's own query instead of a COUNT of its own."""
    paginator = Paginator(weeks, HISTORY_PAGE_SIZE)
    try:
        asked = int(number or 1)
    except ValueError:
        asked = 1
    if asked < 1:
        return paginator.get_page(asked)
    if asked > LAST_POSSIBLE_PAGE:
        # No history holds more weeks than the calendar has, and the databases refuse an
        # offset past 64 bits: a number beyond is past the end, shown as the last page.
        asked = LAST_POSSIBLE_PAGE
    start = (asked - 1) * HISTORY_PAGE_SIZE
    rows = list(weeks.counted()[start : start + HISTORY_PAGE_SIZE])
    if rows or asked == 1:
        paginator.count = rows[0].found if rows else 0
        return Page(rows, asked, paginator)
    # Past the end: the last page, read from the other end with the count, in one query more.
    rows = list(weeks.counted().reverse()[:HISTORY_PAGE_SIZE])
    paginator.count = rows[0].found if rows else 0
    last = paginator.num_pages
    return Page(rows[: paginator.count - (last - 1) * HISTORY_PAGE_SIZE][::-1], last, paginator)


@access.couple_required
@require_safe
def history(request: HttpRequest) -> HttpResponse:
    couple = access.current_couple(request)
    search = SearchForm(request.GET)
    valid = search.is_valid()
    q = search.cleaned_data["q"].strip() if valid else ""
    carried = search.cleaned_data["carried"] if valid else CARRIED_OVER_STEP
    found = services.history(membership=access.current_membership(request), q=q, carried=carried)
    page = _history_page(found.weeks, search.cleaned_data.get("page"))
    # The page's links, dates and forms are read once here: in the template's loops they were
    # most of the page's time.
    user_id = request.user.pk
    members = access.current_partners(request)
    week_urls: dict[str, str] = {}

    def week_url(checkin: CheckIn) -> str:
        label = checkin.label
        if label not in week_urls:
            week_urls[label] = reverse("checkin_week", args=[label])
        return week_urls[label]

    def resolve_url(entry: Entry, label: str) -> str:
        return reverse("checkin_resolve", args=[label, entry.pk])

    weeks = [
        HistoryWeek(
            checkin=checkin,
            url=week_url(checkin),
            dates=checkin.dates,
            entries=[
                (
                    entry,
                    who(entry.author_id, reader_id=user_id, members=members),
                    resolve_url(entry, checkin.label)
                    if entry.author_id == user_id and entry.shared
                    else "",
                )
                for entry in checkin.visible
            ],
        )
        for checkin in page
    ]

    def still_open(entry: Entry) -> StillOpen:
        label = entry.checkin.label
        return StillOpen(
            entry=entry,
            url=week_url(entry.checkin),
            dates=entry.checkin.dates,
            resolve_url=resolve_url(entry, label),
            bring_back_url=reverse("checkin_bring_back", args=[label, entry.pk]),
        )

    ctx = {
        "couple": couple,
        "history": found,
        "still_with_you": [still_open(entry) for entry in found.still_with_you],
        "resting": [still_open(entry) for entry in found.resting],
        "weeks": weeks,
        "page": page,
        "here": request.get_full_path(),
        "q": q,
        "search": search,
        "more_carried": carried + CARRIED_OVER_STEP,
    }
    return render(request, "checkins/history.html", ctx)


@access.couple_required
@require_POST
def week_prompt(request: HtmxHttpRequest, week: str) -> HttpResponse:
    """Swap the week's prompt for another, skip it, or offer one after all. An htmx request
    gets the prompt's part of the page back; the partner sees the change on their next load."""
    couple = access.current_couple(request)
    checkin = _existing_week(request, week)
    form = WeekPromptForm(request.POST)
    problem = ""
    if form.is_valid():
        try:
            services.change_week_prompt(checkin=checkin, couple=couple, **form.cleaned_data)
        except RefusedError as e:
            problem = str(e)
    else:
        problem = _("That didn't work. Please try again.")
    if request.htmx:
        is_current = checkin.week_start == current_week(couple)
        ctx = {
            "week": checkin.label,
            "is_current": is_current,
            "open_week": is_current and not checkin.closed,
            "prompt": services.week_prompt(checkin=checkin, couple=couple),
            "problem": problem,
        }
        return render(request, "checkins/prompt.html", ctx)
    if problem:
        messages.error(request, problem)
    return redirect(_week_url(checkin) + "#prompt")


@access.couple_required
@require_http_methods(["GET", "HEAD", "POST"])
def prompts(request: HttpRequest) -> HttpResponse:
    """Conversation prompts by category, the favourites, the couple's own and the retired
    ones; the prompts saved for the next check-in; and a form to add one of their own."""
    couple = access.current_couple(request)
    membership = access.current_membership(request)
    browse = PromptBrowseForm(request.GET)
    show = browse.cleaned_data["show"] if browse.is_valid() else PromptCategory.APPRECIATION
    shuffled = browse.is_valid() and browse.cleaned_data["order"] == "shuffle"
    # A prompt added while browsing a category starts in it.
    form = PromptForm(request.POST or None, initial={"category": show})
    if request.method == "POST" and form.is_valid():
        prompt = services.add_prompt(
            couple=couple, author=access.member(request), **form.cleaned_data
        )
        messages.success(request, _("Added to your own prompts. A check-in may offer it."))
        return redirect(reverse("prompts") + "?show=own#prompt-" + str(prompt.pk))
    readable = Prompt.objects.visible_to(membership).with_marks(couple)
    if show == "retired":
        shown = readable.retired()
    elif show == "favourites":
        shown = readable.in_use().favourites()
    elif show == "own":
        shown = readable.in_use().filter(couple=couple)
    else:
        shown = readable.in_use().filter(category=show)
    ctx = {
        "form": form,
        "show": show,
        "views": PROMPT_VIEWS,
        "prompts": shown.order_by("?" if shuffled else "id"),
        "saved": readable.saved(),
        "members": access.partners(couple),
    }
    return render(request, "checkins/prompts.html", ctx, status=400 if form.errors else 200)


@access.couple_required
@require_POST
def prompt_mark(request: HttpRequest, pk: int) -> HttpResponse:
    """Favourite, retire or save a prompt for the next check-in (or undo one of those)."""
    couple = access.current_couple(request)
    prompt = get_object_or_404(Prompt.objects.visible_to(access.current_membership(request)), pk=pk)
    form = PromptMarkForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("That didn't work. Please try again."))
        return redirect("prompts")
    change = form.cleaned_data["change"]
    try:
        services.mark_prompt(prompt=prompt, couple=couple, change=change)
    except RefusedError as e:
        messages.error(request, str(e))
    else:
        messages.success(request, PROMPT_MARKED[change])
    return redirect((form.cleaned_data["next"] or reverse("prompts")) + f"#prompt-{prompt.pk}")
