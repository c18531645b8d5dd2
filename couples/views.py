from __future__ import annotations

from allauth.account.models import EmailAddress
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from couples import access, services
from couples.forms import (
    CoupleForm,
    InviteForm,
    PhraseForm,
    ProfileForm,
    RepairForm,
    RepairResponseForm,
    SavedTopicForm,
    SharedValueForm,
    TriggerScriptForm,
)
from couples.middleware import remember_time_zone
from couples.models import (
    Invitation,
    Phrase,
    PhraseGroup,
    Repair,
    SavedTopic,
    SavedTopicQuerySet,
    SharedValue,
    TherapySession,
    TriggerScript,
)

PENDING_INVITE = "pending_invitation_token"
NEW_INVITE_LINK = "new_invitation_link"


@require_http_methods(["GET"])
def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return render(request, "couples/landing.html")
    couple = access.member_couple(request)
    if couple is None:
        if token := request.session.get(PENDING_INVITE):
            return redirect("join", token=token)
        return render(request, "couples/onboarding.html")
    ctx = {"couple": couple, "partners": access.partners(couple), "values": couple.values.all()}
    return render(request, "couples/home.html", ctx)


@login_required
@require_http_methods(["GET", "POST"])
def couple_new(request: HttpRequest) -> HttpResponse:
    user = access.member(request)
    if access.member_couple(request) is not None:
        messages.info(request, _("You already share a space; here it is."))
        return redirect("couple")
    form = CoupleForm(request.POST or None, initial={"time_zone": user.time_zone})
    if request.method == "POST" and form.is_valid():
        try:
            services.create_couple(user=user, **form.cleaned_data)
        except services.RefusedError as e:
            messages.error(request, str(e))
            return redirect("home")
        messages.success(request, _("Your space is ready. Invite your partner when you're ready."))
        return redirect("couple")
    return render(request, "couples/couple_new.html", {"form": form})


@access.couple_required
@require_http_methods(["GET", "POST"])
def couple_settings(request: HttpRequest) -> HttpResponse:
    couple = access.current_couple(request)
    form = CoupleForm(request.POST or None, instance=couple)
    if request.method == "POST" and form.is_valid():
        services.update_couple(couple=couple, by=access.member(request), **form.cleaned_data)
        messages.success(request, _("Saved."))
        return redirect("couple")
    partners = access.partners(couple)
    member_ids = {p.pk for p in partners}
    activity = couple.activity.select_related("actor")[:20]
    ctx = {
        "couple": couple,
        "form": form,
        "partners": partners,
        "member_ids": member_ids,
        "activity": activity,
        "invitation": couple.invitations.open(timezone.now()).first(),
        "invite_form": InviteForm(),
        "new_link": request.session.pop(NEW_INVITE_LINK, None),
    }
    return render(request, "couples/couple.html", ctx)


@access.couple_required
@require_POST
def invite(request: HttpRequest) -> HttpResponse:
    user = access.member(request)
    couple = access.current_couple(request)
    form = InviteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("That email address doesn't look right. Please check it."))
        return redirect("couple")
    try:
        invitation, token = services.invite_partner(
            couple=couple, inviter=user, email=form.cleaned_data["email"]
        )
    except services.RefusedError as e:
        messages.error(request, str(e))
        return redirect("couple")
    request.session[NEW_INVITE_LINK] = request.build_absolute_uri(f"/join/{token}/")
    if invitation.email:
        messages.success(request, _("Invitation sent to %(email)s.") % {"email": invitation.email})
    return redirect("couple")


@access.couple_required
@require_POST
def revoke_invitation(request: HttpRequest, pk: int) -> HttpResponse:
    user = access.member(request)
    couple = access.current_couple(request)
    invitation = access.get_for_couple(Invitation.objects.all(), couple, pk=pk)
    services.revoke_invitation(invitation=invitation, by=user)
    messages.success(request, _("The invitation link no longer works."))
    return redirect("couple")


@access.couple_required
@require_http_methods(["GET", "POST"])
def leave(request: HttpRequest) -> HttpResponse:
    user = access.member(request)
    couple = access.current_couple(request)
    if request.method == "POST":
        services.leave_couple(user=user)
        messages.success(request, _("You have left %(name)s.") % {"name": couple.name})
        return redirect("home")
    return render(request, "couples/leave.html", {"couple": couple})


@require_http_methods(["GET", "POST"])
def join(request: HttpRequest, token: str) -> HttpResponse:
    invitation = services.find_invitation(token)
    if invitation is None:
        request.session.pop(PENDING_INVITE, None)
        return render(request, "couples/join.html", {"problem": services.UNUSABLE_LINK}, status=404)
    if not request.user.is_authenticated:
        # Remembered across sign-up and email confirmation; the home page brings them back here.
        request.session[PENDING_INVITE] = token
        return render(request, "couples/join.html", {"invitation": invitation})
    user = access.member(request)
    problem = services.refusal(invitation, user)
    if not problem and not EmailAddress.objects.filter(user=user, verified=True).exists():
        problem = _("Please confirm your email address first, then open this link again.")
    if problem:
        request.session.pop(PENDING_INVITE, None)
        return render(
            request, "couples/join.html", {"invitation": invitation, "problem": problem}, status=409
        )
    if request.method == "POST":
        try:
            couple = services.accept_invitation(token=token, user=user)
        except services.RefusedError as e:
            return render(
                request,
                "couples/join.html",
                {"invitation": invitation, "problem": str(e)},
                status=409,
            )
        request.session.pop(PENDING_INVITE, None)
        messages.success(request, _("Welcome to %(name)s.") % {"name": couple.name})
        return redirect("home")
    return render(request, "couples/join.html", {"invitation": invitation, "can_accept": True})


@login_required
@require_http_methods(["GET", "POST"])
def personal_settings(request: HttpRequest) -> HttpResponse:
    user = access.member(request)
    form = ProfileForm(request.POST or None, instance=user)
    if request.method == "POST" and form.is_valid():
        services.update_profile(user=user, **form.cleaned_data)
        remember_time_zone(request, user.time_zone)
        messages.success(request, _("Saved."))
        return redirect("settings")
    return render(request, "couples/settings.html", {"form": form})


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
