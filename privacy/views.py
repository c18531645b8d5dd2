from __future__ import annotations

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from couples import access
from privacy import services
from privacy.forms import DeleteAccountForm


@login_required
@reauthentication_required(app="allauth.account")
@require_http_methods(["GET", "HEAD", "POST"])
def delete_account(request: HttpRequest) -> HttpResponse:
    user = access.member(request)
    form = DeleteAccountForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        services.delete_account(user=user)
        logout(request)
        messages.success(
            request, _("Your account is deleted. Thank you for the time you spent here.")
        )
        return redirect("home")
    ctx = {"form": form, "couple": access.member_couple(request)}
    return render(request, "privacy/delete.html", ctx)
