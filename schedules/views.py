"""Schedule pages (/schedule/), each person's reminder choices and calendar link (posted from
their settings) and the calendar feed. The one-click unsubscribe link of reminder emails is
served by `core.views.unsubscribe` (see urls.py)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core.errors import RefusedError
from couples import access
from schedules import services
from schedules.forms import (
    CalendarLinkForm,
    PauseForm,
    ReminderChoicesForm,
    ScheduleForm,
    StartingPointForm,
)
from schedules.models import CalendarFeed, Schedule

UPCOMING = 3


@access.couple_required
@require_safe
def schedule_list(request: HttpRequest) -> HttpResponse:
    couple = access.current_couple(request)
    now = timezone.now()
    reader_zone = timezone.get_current_timezone_name()
    rows = [
        {
            "schedule": schedule,
            "rhythm": schedule.in_words_for(reader_zone),
            "upcoming": schedule.upcoming(after=now, count=UPCOMING),
        }
        for schedule in Schedule.objects.visible_to(access.current_membership(request))
    ]
    templates = [kind for kind in Schedule.Kind if kind != Schedule.Kind.CUSTOM]
    return render(
        request,
        "schedules/list.html",
        {"couple": couple, "rows": rows, "templates": templates},
    )


@access.couple_required
@require_http_methods(["GET", "HEAD", "POST"])
def schedule_new(request: HttpRequest) -> HttpResponse:
    user = access.member(request)
    couple = access.current_couple(request)
    kind = StartingPointForm(request.GET).kind()
    initial = ScheduleForm.initial_for_new(kind, couple.time_zone)
    form = ScheduleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.create_schedule(couple=couple, by=user, kind=kind, **form.schedule_fields())
        messages.success(request, _("Added to your schedule."))
        return redirect("schedule")
    return render(request, "schedules/form.html", {"form": form, "kind": kind})


def _schedule(request: HttpRequest, pk: int) -> Schedule:
    return get_object_or_404(Schedule.objects.visible_to(access.current_membership(request)), pk=pk)


@access.couple_required
@require_http_methods(["GET", "HEAD", "POST"])
def schedule_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = access.member(request)
    schedule = _schedule(request, pk)
    form = ScheduleForm(request.POST or None, initial=ScheduleForm.initial_for(schedule))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_schedule(
                schedule=schedule,
                by=user,
                version=form.cleaned_data["version"] or 0,
                **form.schedule_fields(),
            )
        except RefusedError as e:
            messages.error(request, str(e))
            readable = Schedule.objects.visible_to(access.current_membership(request))
            current = readable.filter(pk=pk).first()
            if current is None:
                return redirect("schedule")
            schedule = current
            form = form.rebased(schedule)
        else:
            messages.success(request, _("Saved."))
            return redirect("schedule")
    ctx = {"form": form, "schedule": schedule, "kind": schedule.kind}
    return render(request, "schedules/form.html", ctx)


@access.couple_required
@require_POST
def schedule_pause(request: HttpRequest, pk: int) -> HttpResponse:
    user = access.member(request)
    schedule = _schedule(request, pk)
    form = PauseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please press “Stop for now” or “Start again” once more."))
        return redirect("schedule")
    paused = form.cleaned_data["paused"]
    services.set_paused(schedule=schedule, by=user, paused=paused)
    messages.success(
        request,
        _("Stopped for now: no reminders until one of you starts it again.")
        if paused
        else _("Started again: reminders go out as before."),
    )
    return redirect("schedule")


@access.couple_required
@require_http_methods(["GET", "HEAD", "POST"])
def schedule_delete(request: HttpRequest, pk: int) -> HttpResponse:
    user = access.member(request)
    schedule = _schedule(request, pk)
    if request.method == "POST":
        services.delete_schedule(schedule=schedule, by=user)
        messages.success(request, _("Removed from your schedule."))
        return redirect("schedule")
    return render(request, "schedules/delete.html", {"schedule": schedule})


@access.couple_required
@require_POST
def reminder_choices(request: HttpRequest) -> HttpResponse:
    user = access.member(request)
    couple = access.current_couple(request)
    schedules = list(Schedule.objects.visible_to(access.current_membership(request)))
    form = ReminderChoicesForm(request.POST, schedules=schedules, opted_out=set())
    if form.is_valid():
        services.save_reminder_choices(user=user, couple=couple, chosen=form.chosen())
        messages.success(request, _("Your reminder choices are saved."))
    else:
        messages.error(request, _("A schedule changed meanwhile. Please check your choices again."))
    return redirect("settings")


@access.couple_required
@require_POST
def calendar_link(request: HttpRequest) -> HttpResponse:
    user = access.member(request)
    form = CalendarLinkForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please press one of the calendar link buttons again."))
    elif form.revoke():
        services.revoke_calendar_feed(user=user)
        messages.success(request, _("Your calendar link no longer works."))
    else:
        services.reset_calendar_feed(user=user)
        messages.success(request, _("Your calendar link is ready. Any older link stopped working."))
    return redirect("settings")


@require_safe
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    feed = get_object_or_404(CalendarFeed.objects.select_related("user"), token=token)
    body = services.feed_for(feed.user, now=timezone.now())
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=900"
    return response
