"""The toolkit's pages: the shared vocabulary and values, each person's trigger scripts and
topics saved for therapy, and repairs. A private item is always loaded through a queryset scoped
to its author, so the partner gets the same 404 as for an object that does not exist."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core.errors import RefusedError
from couples import access
from toolkit import services
from toolkit.forms import (
    PhraseForm,
    PhraseMoveForm,
    RepairForm,
    RepairResponseForm,
    SavedTopicForm,
    ScriptShareForm,
    SharedValueForm,
    TopicDiscussedForm,
    TriggerScriptForm,
)
from toolkit.models import (
    Phrase,
    PhraseGroup,
    Repair,
    SavedTopic,
    SavedTopicQuerySet,
    SharedValue,
    TherapySession,
    TriggerScript,
)


def _edit_page(request: HttpRequest, form: forms.BaseForm, title: str, back: str) -> HttpResponse:
    return render(request, "toolkit/edit.html", {"form": form, "title": title, "back": back})


def _unreadable_button(request: HttpRequest) -> None:
    # Only a hand-made request posts a button's field with another value.
    messages.error(request, _("That didn't work. Please try again."))


@access.couple_required
@require_safe
def toolkit(request: HttpRequest) -> HttpResponse:
    return render(request, "toolkit/index.html")


@access.couple_required
@require_http_methods(["GET", "HEAD", "POST"])
def phrases(request: HttpRequest) -> HttpResponse:
    couple = access.current_couple(request)
    form = PhraseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.add_phrase(couple=couple, **form.cleaned_data)
        messages.success(request, _("Added to your words."))
        return redirect("toolkit_phrases")
    everything = list(Phrase.objects.visible_to(access.current_membership(request)))
    taken = {p.text.casefold() for p in everything}
    groups = [
        (
            value,
            label,
            [p for p in everything if p.group == value and p.retired_at is None],
            services.starter_phrases(value, taken),
        )
        for value, label in PhraseGroup.choices
    ]
    retired = [p for p in everything if p.retired_at is not None]
    ctx = {"form": form, "groups": groups, "retired": retired}
    return render(request, "toolkit/phrases.html", ctx)


def _phrase(request: HttpRequest, pk: int) -> Phrase:
    return get_object_or_404(Phrase.objects.visible_to(access.current_membership(request)), pk=pk)


@access.couple_required
@require_http_methods(["GET", "HEAD", "POST"])
def phrase_edit(request: HttpRequest, pk: int) -> HttpResponse:
    phrase = _phrase(request, pk)
    form = PhraseForm(request.POST or None, instance=phrase)
    if request.method == "POST" and form.is_valid():
        services.change_phrase(phrase=phrase, **form.cleaned_data)
        messages.success(request, _("Saved."))
        return redirect("toolkit_phrases")
    return _edit_page(request, form, _("Edit a phrase"), reverse("toolkit_phrases"))


@access.couple_required
@require_POST
def phrase_move(request: HttpRequest, pk: int) -> HttpResponse:
    phrase = _phrase(request, pk)
    form = PhraseMoveForm(request.POST)
    if not form.is_valid():
        _unreadable_button(request)
        return redirect("toolkit_phrases")
    try:
        services.move_phrase(phrase=phrase, up=form.cleaned_data["direction"] == "up")
    except RefusedError as e:
        messages.info(request, str(e))
    return redirect("toolkit_phrases")


@access.couple_required
@require_POST
def phrase_retire(request: HttpRequest, pk: int) -> HttpResponse:
    phrase = _phrase(request, pk)
    services.retire_phrase(phrase=phrase)
    messages.success(
        request, _("“%(text)s” is retired. You can bring it back below.") % {"text": phrase.text}
    )
    return redirect("toolkit_phrases")


@access.couple_required
@require_POST
def phrase_restore(request: HttpRequest, pk: int) -> HttpResponse:
    phrase = _phrase(request, pk)
    services.restore_phrase(phrase=phrase)
    messages.success(request, _("“%(text)s” is back.") % {"text": phrase.text})
    return redirect("toolkit_phrases")


@access.couple_required
@require_http_methods(["GET", "HEAD", "POST"])
def scripts(request: HttpRequest) -> HttpResponse:
    couple = access.current_couple(request)
    me = access.member(request)
    form = TriggerScriptForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.add_script(couple=couple, author=me, **form.cleaned_data)
        messages.success(request, _("Saved. Only you can see it until you share it."))
        return redirect("toolkit_scripts")
    readable = TriggerScript.objects.visible_to(access.current_membership(request))
    ctx = {
        "form": form,
        "mine": readable.by(me),
        "theirs": readable.exclude(author=me).select_related("author"),
        "starters": services.STARTER_SCRIPTS,
    }
    return render(request, "toolkit/scripts.html", ctx)


def _my_script(request: HttpRequest, pk: int) -> TriggerScript:
    readable = TriggerScript.objects.visible_to(access.current_membership(request))
    return get_object_or_404(readable.by(access.member(request)), pk=pk)


@access.couple_required
@require_http_methods(["GET", "HEAD", "POST"])
def script_edit(request: HttpRequest, pk: int) -> HttpResponse:
    script = _my_script(request, pk)
    form = TriggerScriptForm(request.POST or None, instance=script)
    if request.method == "POST" and form.is_valid():
        services.change_script(script=script, **form.cleaned_data)
        messages.success(request, _("Saved."))
        return redirect("toolkit_scripts")
    return _edit_page(request, form, _("Edit a trigger script"), reverse("toolkit_scripts"))


@access.couple_required
@require_POST
def script_share(request: HttpRequest, pk: int) -> HttpResponse:
    script = _my_script(request, pk)
    form = ScriptShareForm(request.POST)
    if not form.is_valid():
        _unreadable_button(request)
        return redirect("toolkit_scripts")
    services.share_script(script=script, **form.cleaned_data)
    if form.cleaned_data["share"]:
        messages.success(request, _("Your partner can now see this script."))
    else:
        messages.success(request, _("This script is private again."))
    return redirect("toolkit_scripts")


@access.couple_required
@require_POST
def script_delete(request: HttpRequest, pk: int) -> HttpResponse:
    services.delete_script(script=_my_script(request, pk))
    messages.success(request, _("Deleted."))
    return redirect("toolkit_scripts")


def _my_topics(request: HttpRequest) -> SavedTopicQuerySet:
    return SavedTopic.objects.visible_to(access.current_membership(request))


def _my_topic(request: HttpRequest, pk: int) -> SavedTopic:
    return get_object_or_404(_my_topics(request), pk=pk)


@access.couple_required
@require_http_methods(["GET", "HEAD", "POST"])
def topics(request: HttpRequest) -> HttpResponse:
    form = SavedTopicForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.add_topic(
            couple=access.current_couple(request),
            author=access.member(request),
            **form.cleaned_data,
        )
        messages.success(request, _("Saved for your next session. Only you can see it."))
        return redirect("toolkit_topics")
    everything = list(_my_topics(request))
    ctx = {
        "form": form,
        "open": [t for t in everything if t.discussed_at is None],
        "discussed": [t for t in everything if t.discussed_at is not None],
    }
    return render(request, "toolkit/topics.html", ctx)


@access.couple_required
@require_http_methods(["GET", "HEAD", "POST"])
def topic_edit(request: HttpRequest, pk: int) -> HttpResponse:
    saved_topic = _my_topic(request, pk)
    form = SavedTopicForm(request.POST or None, instance=saved_topic)
    if request.method == "POST" and form.is_valid():
        services.change_topic(saved_topic=saved_topic, **form.cleaned_data)
        messages.success(request, _("Saved."))
        return redirect("toolkit_topics")
    return _edit_page(request, form, _("Edit a topic"), reverse("toolkit_topics"))


@access.couple_required
@require_POST
def topic_discussed(request: HttpRequest, pk: int) -> HttpResponse:
    saved_topic = _my_topic(request, pk)
    form = TopicDiscussedForm(request.POST)
    if form.is_valid():
        services.mark_discussed(saved_topic=saved_topic, **form.cleaned_data)
    else:
        _unreadable_button(request)
    return redirect("toolkit_topics")


@access.couple_required
@require_POST
def topic_delete(request: HttpRequest, pk: int) -> HttpResponse:
    services.delete_topic(saved_topic=_my_topic(request, pk))
    messages.success(request, _("Deleted."))
    return redirect("toolkit_topics")


def _agenda(request: HttpRequest) -> list[tuple[str, list[SavedTopic]]]:
    topics = list(_my_topics(request).open())
    return [
        (str(label), [t for t in topics if t.session == value])
        for value, label in TherapySession.choices
    ]


@access.couple_required
@require_safe
def topics_agenda(request: HttpRequest) -> HttpResponse:
    agenda = _agenda(request)
    has_topics = any(session_topics for _, session_topics in agenda)
    return render(request, "toolkit/agenda.html", {"agenda": agenda, "has_topics": has_topics})


@access.couple_required
@require_safe
def topics_agenda_text(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate(timezone=access.member(request).tz)
    text = render_to_string(
        "toolkit/agenda.txt", {"agenda": _agenda(request), "today": today}, request=request
    )
    response = HttpResponse(text, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="therapy-agenda-{today}.txt"'
    return response


@access.couple_required
@require_http_methods(["GET", "HEAD", "POST"])
def repairs(request: HttpRequest) -> HttpResponse:
    couple = access.current_couple(request)
    me = access.member(request)
    today = timezone.localdate(timezone=me.tz)
    form = RepairForm(request.POST or None, today=today)
    if request.method == "POST" and form.is_valid():
        repair = services.record_repair(couple=couple, author=me, **form.cleaned_data)
        messages.success(request, _("Your repair is recorded. Thank you for making it."))
        return redirect("toolkit_repair", pk=repair.pk)
    ctx = {
        "form": form,
        "repairs": Repair.objects.visible_to(access.current_membership(request)),
        "members": access.current_partners(request),
        "today": today,
    }
    return render(request, "toolkit/repairs.html", ctx)


@access.couple_required
@require_http_methods(["GET", "HEAD", "POST"])
def repair(request: HttpRequest, pk: int) -> HttpResponse:
    """The author changes their repair here; their partner answers it here."""
    me = access.member(request)
    repair = get_object_or_404(Repair.objects.visible_to(access.current_membership(request)), pk=pk)
    today = timezone.localdate(timezone=me.tz)
    is_author = repair.author_id == me.pk
    form: forms.ModelForm[Repair]
    if is_author:
        form = RepairForm(request.POST or None, instance=repair, today=today)
    else:
        form = RepairResponseForm(request.POST or None, instance=repair)
    if request.method == "POST" and form.is_valid():
        try:
            if is_author:
                services.change_repair(repair=repair, by=me, **form.cleaned_data)
            else:
                services.respond_to_repair(repair=repair, by=me, **form.cleaned_data)
        except RefusedError as e:
            messages.error(request, str(e))
        else:
            messages.success(request, _("Saved."))
        return redirect("toolkit_repair", pk=repair.pk)
    ctx = {
        "repair": repair,
        "form": form,
        "members": access.current_partners(request),
        "today": today,
    }
    return render(request, "toolkit/repair.html", ctx)


@access.couple_required
@require_POST
def repair_followed_up(request: HttpRequest, pk: int) -> HttpResponse:
    readable = Repair.objects.visible_to(access.current_membership(request))
    repair = get_object_or_404(readable, pk=pk)
    services.mark_followed_up(repair=repair)
    messages.success(request, _("Marked as followed up."))
    return redirect("toolkit_repair", pk=repair.pk)


@access.couple_required
@require_http_methods(["GET", "HEAD", "POST"])
def values(request: HttpRequest) -> HttpResponse:
    """Values chosen together: the couple's own, the partner's picks waiting for this person's
    yes, this person's picks waiting for the partner's, and Hearth's suggestions."""
    couple = access.current_couple(request)
    user = access.member(request)
    form = SharedValueForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        value = services.add_value(couple=couple, by=user, **form.cleaned_data)
        if value.is_ours:
            messages.success(request, _("“%(name)s” is one of your values.") % {"name": value.name})
        else:
            messages.success(request, _("Picked. It becomes yours when your partner picks it too."))
        return redirect("toolkit_values")
    everything = list(SharedValue.objects.visible_to(access.current_membership(request)))
    taken = {v.name.casefold() for v in everything}
    ctx = {
        "form": form,
        "values": [v for v in everything if v.is_ours],
        "theirs": [v for v in everything if not v.is_ours and v.proposed_by_id != user.pk],
        "mine": [v for v in everything if not v.is_ours and v.proposed_by_id == user.pk],
        "suggestions": [s for s in services.SUGGESTED_VALUES if s.casefold() not in taken],
        "paired": len(access.current_partners(request)) > 1,
    }
    return render(request, "toolkit/values.html", ctx)


@access.couple_required
@require_http_methods(["GET", "HEAD", "POST"])
def value_edit(request: HttpRequest, pk: int) -> HttpResponse:
    value = _value(request, pk)
    form = SharedValueForm(request.POST or None, instance=value)
    if request.method == "POST" and form.is_valid():
        services.change_value(value=value, by=access.member(request), **form.cleaned_data)
        messages.success(request, _("Saved."))
        return redirect("toolkit_values")
    return _edit_page(request, form, _("Edit a value"), reverse("toolkit_values"))


@access.couple_required
@require_POST
def value_remove(request: HttpRequest, pk: int) -> HttpResponse:
    value = _value(request, pk)
    services.remove_value(value=value, by=access.member(request))
    messages.success(request, _("Removed “%(name)s”.") % {"name": value.name})
    return redirect("toolkit_values")


def _value(request: HttpRequest, pk: int) -> SharedValue:
    return get_object_or_404(
        SharedValue.objects.visible_to(access.current_membership(request)), pk=pk
    )
