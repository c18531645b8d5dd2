"""The schedule form (friendly choices or an RFC 5545 rule, checked before it is saved) and each
person's reminder choices."""

from __future__ import annotations

import zoneinfo
from typing import Any, cast

from django import forms
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.zones import zone_choices
from couples.forms import TimeZoneSelect
from schedules.models import (
    DEFAULT_REMINDERS,
    REMINDER_CHOICES,
    TEMPLATES,
    Schedule,
    offset_label,
    validate_rrule,
)

WEEKDAYS = [
    ("MO", _("Monday")),
    ("TU", _("Tuesday")),
    ("WE", _("Wednesday")),
    ("TH", _("Thursday")),
    ("FR", _("Friday")),
    ("SA", _("Saturday")),
    ("SU", _("Sunday")),
]
# The friendly choices and the RRULE each one stands for ({day} is a weekday code).
FREQUENCIES = {
    "weekly": (_("Every week"), "FREQ=WEEKLY;BYDAY={day}"),
    "monthly_first": (_("Every month, on its first such day"), "FREQ=MONTHLY;BYDAY=1{day}"),
    "monthly_last": (_("Every month, on its last such day"), "FREQ=MONTHLY;BYDAY=-1{day}"),
    "quarterly": (
        _("Every three months, on the first such day of January, April, July and October"),
        "FREQ=MONTHLY;BYMONTH=1,4,7,10;BYDAY=1{day}",
    ),
}
CUSTOM = "custom"


def friendly(rule: str) -> tuple[str, str]:
    """The friendly (frequency, weekday) a rule was built from, or (CUSTOM, "SU")."""
    for frequency, (_label, pattern) in FREQUENCIES.items():
        for day, _name in WEEKDAYS:
            if pattern.format(day=day) == rule:
                return frequency, day
    return CUSTOM, "SU"


def clean_rule(text: str) -> str:
    """One RFC 5545 RRULE as the couple typed it, "RRULE:" and spaces trimmed, checked by the
    rule every schedule keeps (`validate_rrule`), or a ValidationError that says what to
    change."""
    rule = text.strip()
    if rule.upper().startswith("RRULE:"):
        rule = rule[len("RRULE:") :].strip()
    if not rule:
        raise forms.ValidationError(_("Write a rule, or choose how often above."))
    validate_rrule(rule)
    return rule


class StartingPointForm(forms.Form):
    """Which template a new schedule starts from (`?template=gratitude`); none, or one Hearth
    does not know, starts the couple's own conversation."""

    template = forms.ChoiceField(choices=Schedule.Kind.choices, required=False)

    def kind(self) -> str:
        if self.is_valid() and self.cleaned_data["template"]:
            return str(self.cleaned_data["template"])
        return Schedule.Kind.CUSTOM


class ScheduleForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=80,
        help_text=_(
            "Your own words. They stay in Hearth: emails and calendars only say “check-in” "
            "or “conversation”."
        ),
    )
    frequency = forms.ChoiceField(
        label=_("How often"),
        choices=[(key, label) for key, (label, _rule) in FREQUENCIES.items()]
        + [(CUSTOM, _("A custom rule (under “Advanced”)"))],
    )
    weekday = forms.ChoiceField(label=_("Day of the week"), choices=WEEKDAYS)
    start_time = forms.TimeField(
        label=_("Start time"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=_("In the home time zone below; each of you sees it in your own zone."),
    )
    duration_minutes = forms.IntegerField(
        label=_("Duration in minutes"), min_value=5, max_value=720
    )
    reminder_offsets = forms.TypedMultipleChoiceField(
        label=_("Reminder emails"),
        choices=REMINDER_CHOICES,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Each of you can turn any of them off for yourself in Settings."),
    )
    time_zone = forms.ChoiceField(label=_("Home time zone"))
    rule = forms.CharField(
        label=_("Custom rule (RFC 5545 RRULE)"),
        required=False,
        max_length=300,
        help_text=_(
            "Used when “How often” is “A custom rule”. Example: every other Sunday is "
            "FREQ=WEEKLY;INTERVAL=2;BYDAY=SU."
        ),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The zone a schedule keeps stays offered even if the short list lacks it.
        kept = str(self.initial.get("time_zone", ""))
        field = cast(forms.ChoiceField, self.fields["time_zone"])
        if "version" not in self.initial:
            # A new schedule may start from the browser's zone; a saved one keeps its own.
            field.widget = TimeZoneSelect()
            field.widget.is_required = field.required
        field.choices = zone_choices(keep=kept)

    @classmethod
    def initial_for(cls, schedule: Schedule) -> dict[str, Any]:
        frequency, weekday = friendly(schedule.rrule)
        return {
            "title": schedule.title,
            "frequency": frequency,
            "weekday": weekday,
            "start_time": schedule.start_time,
            "duration_minutes": schedule.duration_minutes,
            "reminder_offsets": schedule.offsets,
            "time_zone": schedule.time_zone,
            "rule": schedule.rrule,
            "version": schedule.version,
        }

    @classmethod
    def initial_for_new(cls, kind: str, time_zone: str) -> dict[str, Any]:
        """A new schedule starts from its kind's template, in the couple's home zone."""
        template = TEMPLATES[kind]
        frequency, weekday = friendly(template["rrule"])
        return {
            **template,
            "frequency": frequency,
            "weekday": weekday,
            "rule": template["rrule"],
            "time_zone": time_zone,
            "reminder_offsets": DEFAULT_REMINDERS,
        }

    def rebased(self, schedule: Schedule) -> ScheduleForm:
        """This form as typed, to be saved next on the version of `schedule` now stored: after
        the partner's change, saving again keeps what was typed."""
        assert isinstance(self.data, QueryDict)
        data = self.data.copy()
        data["version"] = str(schedule.version)
        return ScheduleForm(data, initial=self.initial_for(schedule))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        frequency = data.get("frequency")
        if frequency == CUSTOM:
            try:
                data["rrule"] = clean_rule(data.get("rule", ""))
            except forms.ValidationError as e:
                self.add_error("rule", e)
                return data
        elif frequency in FREQUENCIES and data.get("weekday"):
            data["rrule"] = FREQUENCIES[frequency][1].format(day=data["weekday"])
        if "rrule" in data and data.get("start_time") and data.get("time_zone"):
            probe = Schedule(
                rrule=data["rrule"],
                starts_on=timezone.now().astimezone(zoneinfo.ZoneInfo(data["time_zone"])).date(),
                start_time=data["start_time"],
                time_zone=data["time_zone"],
            )
            if not probe.next_occurrences(after=timezone.now(), count=1):
                self.add_error("rule", _("This rule has no dates from today on."))
        return data

    def schedule_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "rrule": data["rrule"],
            "start_time": data["start_time"],
            "duration_minutes": data["duration_minutes"],
            "time_zone": data["time_zone"],
            "reminder_offsets": sorted(set(data["reminder_offsets"]), reverse=True),
        }


class ReminderChoicesForm(forms.Form):
    """One switch per (schedule, reminder): which reminder emails this person receives; each
    saves itself when flipped (schedules/settings_section.html)."""

    def __init__(
        self, *args: Any, schedules: list[Schedule], opted_out: set[tuple[int, int]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.schedules = schedules
        for schedule in schedules:
            choices = [(m, offset_label(m)) for m in schedule.offsets]
            self.fields[f"schedule_{schedule.pk}"] = forms.TypedMultipleChoiceField(
                label=schedule.title,
                choices=choices,
                coerce=int,
                required=False,
                widget=forms.CheckboxSelectMultiple(attrs={"role": "switch"}),
                initial=[m for m in schedule.offsets if (schedule.pk, m) not in opted_out],
            )

    def chosen(self) -> set[tuple[int, int]]:
        return {
            (schedule.pk, minutes)
            for schedule in self.schedules
            for minutes in self.cleaned_data.get(f"schedule_{schedule.pk}", [])
        }


class PauseForm(forms.Form):
    """The "Stop for now" or "Start again" button of one schedule. Named apart from the pause
    signal ("I need a pause"), which sits beside it in the menu and means something else."""

    paused = forms.TypedChoiceField(
        choices=[("1", _("Stop for now")), ("0", _("Start again"))],
        coerce=lambda value: value == "1",
    )


class CalendarLinkForm(forms.Form):
    """The calendar link buttons in settings: a new private link, or none."""

    action = forms.ChoiceField(
        choices=[("new", _("Make a new link")), ("revoke", _("Turn off my calendar link"))]
    )

    def revoke(self) -> bool:
        return bool(self.cleaned_data["action"] == "revoke")
