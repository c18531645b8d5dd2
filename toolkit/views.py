from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from couples import access
from toolkit import services
from toolkit.forms import (
    PhraseForm,
    RepairForm,
    RepairResponseForm,
    SavedTopicForm,
    SharedValueForm,
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

# Toolkit: the shared vocabulary and values, each person's trigger scripts and topics saved for
# therapy, and repairs. A private item is always loaded through a queryset scoped to its author,
# so the partner gets the same 404 as for an object that does not exist.


def _edit_page(request: HttpRequest, form: forms.ModelForm, title: str, back: str) -> HttpResponse:
    return render(request, "toolkit/edit.html", {"form": form, "title": title, "back": back})


@access.couple_required
@require_http_methods(["GET"])
def toolkit(request: HttpRequest) -> HttpResponse:
    return render(request, "toolkit/index.html")


@access.couple_required
@require_http_methods(["GET", "POST"])
def phrases(request: HttpRequest) -> HttpResponse:
    couple = access.current_couple(request)
    form = PhraseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.instance.couple = couple
        form.instance.position = services.next_phrase_position(couple, form.instance.group)
        form.save()
        messages.success(request, _("Added to your words."))
        return redirect("toolkit_phrases")
    everything = list(Phrase.objects.for_couple(couple))
    groups = [
        (value, label, [p for p in everything if p.group == value and p.retired_at is None])
        for value, label in PhraseGroup.choices
    ]
    retired = [p for p in everything if p.retired_at is not None]
    ctx = {"form": form, "groups": groups, "retired": retired}
    return render(request, "toolkit/phrases.html", ctx)


@access.couple_required
@require_http_methods(["GET", "POST"])
def phrase_edit(request: HttpRequest, pk: int) -> HttpResponse:
    couple = access.current_couple(request)
    phrase = access.get_for_couple(Phrase.objects.all(), couple, pk=pk)
    old_group = phrase.group
    form = PhraseForm(request.POST or None, instance=phrase)
    if request.method == "POST" and form.is_valid():
        if phrase.group != old_group:
            phrase.position = services.next_phrase_position(couple, phrase.group)
        form.save()
        messages.success(request, _("Saved."))
        return redirect("toolkit_phrases")
    return _edit_page(request, form, _("Edit a phrase"), reverse("toolkit_phrases"))


@access.couple_required
@require_POST
def phrase_move(request: HttpRequest, pk: int) -> HttpResponse:
    couple = access.current_couple(request)
    phrase = access.get_for_couple(Phrase.objects.all(), couple, pk=pk)
    if phrase.retired_at is not None:
        messages.info(request, _("“%(text)s” was retired meanwhile.") % {"text": phrase.text})
    else:
        services.move_phrase(phrase=phrase, up=request.POST.get("direction") == "up")
    return redirect("toolkit_phrases")


@access.couple_required
@require_POST
def phrase_retire(request: HttpRequest, pk: int) -> HttpResponse:
    couple = access.current_couple(request)
    phrase = access.get_for_couple(Phrase.objects.all(), couple, pk=pk)
    if phrase.retired_at is None:
        phrase.retired_at = timezone.now()
        phrase.save(update_fields=["retired_at"])
    messages.success(
        request, _("“%(text)s” is retired. You can bring it back below.") % {"text": phrase.text}
    )
    return redirect("toolkit_phrases")


@access.couple_required
@require_POST
def phrase_restore(request: HttpRequest, pk: int) -> HttpResponse:
    couple = access.current_couple(request)
    phrase = access.get_for_couple(Phrase.objects.all(), couple, pk=pk)
    if phrase.retired_at is not None:
        phrase.retired_at = None
        phrase.position = services.next_phrase_position(couple, phrase.group)
        phrase.save(update_fields=["retired_at", "position"])
    messages.success(request, _("“%(text)s” is back.") % {"text": phrase.text})
    return redirect("toolkit_phrases")


@access.couple_required
@require_http_methods(["GET", "POST"])
def scripts(request: HttpRequest) -> HttpResponse:
    couple = access.current_couple(request)
    me = access.member(request)
    form = TriggerScriptForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.instance.couple = couple
        form.instance.author = me
        form.save()
        messages.success(request, _("Saved. Only you can see it until you share it."))
        return redirect("toolkit_scripts")
    partners = access.partners(couple)
    ctx = {
        "form": form,
        "mine": TriggerScript.objects.filter(couple=couple).by(me),
        "theirs": TriggerScript.objects.filter(couple=couple, author__in=partners)
        .shared()
        .exclude(author=me)
        .select_related("author"),
    }
    return render(request, "toolkit/scripts.html", ctx)


def _my_script(request: HttpRequest, pk: int) -> TriggerScript:
    couple = access.current_couple(request)
    return access.get_for_couple(TriggerScript.objects.by(access.member(request)), couple, pk=pk)


@access.couple_required
@require_http_methods(["GET", "POST"])
def script_edit(request: HttpRequest, pk: int) -> HttpResponse:
    form = TriggerScriptForm(request.POST or None, instance=_my_script(request, pk))
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Saved."))
        return redirect("toolkit_scripts")
    return _edit_page(request, form, _("Edit a trigger script"), reverse("toolkit_scripts"))


@access.couple_required
@require_POST
def script_share(request: HttpRequest, pk: int) -> HttpResponse:
    script = _my_script(request, pk)
    share = request.POST.get("share") == "yes"
    if share != script.is_shared:
        script.shared_at = timezone.now() if share else None
        script.save(update_fields=["shared_at"])
    if share:
        messages.success(request, _("Your partner can now see this script."))
    else:
        messages.success(request, _("This script is private again."))
    return redirect("toolkit_scripts")


@access.couple_required
@require_POST
def script_delete(request: HttpRequest, pk: int) -> HttpResponse:
    _my_script(request, pk).delete()
    messages.success(request, _("Deleted."))
    return redirect("toolkit_scripts")


def _my_topics(request: HttpRequest) -> SavedTopicQuerySet:
    return SavedTopic.objects.filter(couple=access.current_couple(request)).by(
        access.member(request)
    )


def _my_topic(request: HttpRequest, pk: int) -> SavedTopic:
    return access.get_for_couple(_my_topics(request), access.current_couple(request), pk=pk)


@access.couple_required
@require_http_methods(["GET", "POST"])
def topics(request: HttpRequest) -> HttpResponse:
    form = SavedTopicForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.instance.couple = access.current_couple(request)
        form.instance.author = access.member(request)
        form.save()
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
@require_http_methods(["GET", "POST"])
def topic_edit(request: HttpRequest, pk: int) -> HttpResponse:
    form = SavedTopicForm(request.POST or None, instance=_my_topic(request, pk))
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Saved."))
        return redirect("toolkit_topics")
    return _edit_page(request, form, _("Edit a topic"), reverse("toolkit_topics"))


@access.couple_required
@require_POST
def topic_discussed(request: HttpRequest, pk: int) -> HttpResponse:
    topic = _my_topic(request, pk)
    discussed = request.POST.get("discussed") == "yes"
    if discussed != (topic.discussed_at is not None):
        topic.discussed_at = timezone.now() if discussed else None
        topic.save(update_fields=["discussed_at"])
    return redirect("toolkit_topics")


@access.couple_required
@require_POST
def topic_delete(request: HttpRequest, pk: int) -> HttpResponse:
    _my_topic(request, pk).delete()
    messages.success(request, _("Deleted."))
    return redirect("toolkit_topics")


def _agenda(request: HttpRequest) -> list[tuple[str, list[SavedTopic]]]:
    topics = list(_my_topics(request).open())
    return [
        (str(label), [t for t in topics if t.session == value])
        for value, label in TherapySession.choices
    ]


@access.couple_required
@require_http_methods(["GET"])
def topics_agenda(request: HttpRequest) -> HttpResponse:
    agenda = _agenda(request)
    has_topics = any(session_topics for _, session_topics in agenda)
    return render(request, "toolkit/agenda.html", {"agenda": agenda, "has_topics": has_topics})


@access.couple_required
@require_http_methods(["GET"])
def topics_agenda_text(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate(timezone=access.member(request).tz)
    text = render_to_string(
        "toolkit/agenda.txt", {"agenda": _agenda(request), "today": today}, request=request
    )
    response = HttpResponse(text, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="therapy-agenda-{today}.txt"'
    return response


@access.couple_required
@require_http_methods(["GET", "POST"])
def repairs(request: HttpRequest) -> HttpResponse:
    couple = access.current_couple(request)
    me = access.member(request)
    today = timezone.localdate(timezone=me.tz)
    form = RepairForm(request.POST or None, today=today)
    if request.method == "POST" and form.is_valid():
        form.instance.couple = couple
        form.instance.author = me
        repair = form.save()
        messages.success(request, _("Your repair is recorded. Thank you for making it."))
        return redirect("toolkit_repair", pk=repair.pk)
    ctx = {
        "form": form,
        "repairs": couple.repairs.select_related("author"),
        "member_ids": {p.pk for p in access.partners(couple)},
        "today": today,
    }
    return render(request, "toolkit/repairs.html", ctx)


@access.couple_required
@require_http_methods(["GET", "POST"])
def repair(request: HttpRequest, pk: int) -> HttpResponse:
    """The author edits their repair here; their partner answers it here."""
    couple = access.current_couple(request)
    me = access.member(request)
    repair = access.get_for_couple(
        Repair.objects.select_related("author", "responded_by"), couple, pk=pk
    )
    today = timezone.localdate(timezone=me.tz)
    form: forms.ModelForm
    if repair.author_id == me.pk:
        form = RepairForm(request.POST or None, instance=repair, today=today)
    else:
        form = RepairResponseForm(request.POST or None, instance=repair)
    if request.method == "POST" and form.is_valid():
        if isinstance(form, RepairResponseForm):
            repair.responded_by = me
            repair.responded_at = timezone.now()
        form.save()
        messages.success(request, _("Saved."))
        return redirect("toolkit_repair", pk=repair.pk)
    ctx = {
        "repair": repair,
        "form": form,
        "member_ids": {p.pk for p in access.partners(couple)},
        "today": today,
    }
    return render(request, "toolkit/repair.html", ctx)


@access.couple_required
@require_POST
def repair_followed_up(request: HttpRequest, pk: int) -> HttpResponse:
    couple = access.current_couple(request)
    repair = access.get_for_couple(Repair.objects.all(), couple, pk=pk)
    if repair.followed_up_at is None:
        repair.followed_up_at = timezone.now()
        repair.save(update_fields=["followed_up_at"])
    messages.success(request, _("Marked as followed up."))
    return redirect("toolkit_repair", pk=repair.pk)


@access.couple_required
@require_http_methods(["GET", "POST"])
def values(request: HttpRequest) -> HttpResponse:
    couple = access.current_couple(request)
    form = SharedValueForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.add_value(couple=couple, by=access.member(request), **form.cleaned_data)
        messages.success(request, _("Added to your values."))
        return redirect("toolkit_values")
    return render(request, "toolkit/values.html", {"form": form, "values": couple.values.all()})


@access.couple_required
@require_http_methods(["GET", "POST"])
def value_edit(request: HttpRequest, pk: int) -> HttpResponse:
    couple = access.current_couple(request)
    value = access.get_for_couple(SharedValue.objects.all(), couple, pk=pk)
    old_name = value.name
    form = SharedValueForm(request.POST or None, instance=value)
    if request.method == "POST" and form.is_valid():
        services.change_value(value=form.instance, by=access.member(request), old_name=old_name)
        messages.success(request, _("Saved."))
        return redirect("toolkit_values")
    return _edit_page(request, form, _("Edit a value"), reverse("toolkit_values"))


@access.couple_required
@require_POST
def value_remove(request: HttpRequest, pk: int) -> HttpResponse:
    couple = access.current_couple(request)
    value = access.get_for_couple(SharedValue.objects.all(), couple, pk=pk)
    services.remove_value(value=value, by=access.member(request))
    messages.success(request, _("Removed “%(name)s”.") % {"name": value.name})
    return redirect("toolkit_values")
