from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from couples.models import Couple, Invitation, Membership, User


@admin.register(User)
class UserAdmin(BaseUserAdmin[User]):
    ordering = ("email",)
    list_display = ("email", "display_name", "time_zone", "is_staff", "date_joined")
    search_fields = ("email", "display_name")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Profile", {"fields": ("display_name", "time_zone")}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)


class MembershipInline(admin.TabularInline[Membership, Couple]):
    model = Membership
    extra = 0
    raw_id_fields = ("user",)


@admin.register(Couple)
class CoupleAdmin(admin.ModelAdmin[Couple]):
    list_display = ("name", "time_zone", "created_at")
    inlines = (MembershipInline,)


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin[Invitation]):
    list_display = ("couple", "email", "created_at", "expires_at", "accepted_at", "revoked_at")
    exclude = ("token_hash",)
    raw_id_fields = ("couple", "invited_by", "accepted_by")
