from __future__ import annotations

from django.contrib import admin

from agreements.models import Agreement, AgreementVersion


class AgreementVersionInline(admin.TabularInline[AgreementVersion, Agreement]):
    model = AgreementVersion
    fk_name = "agreement"
    extra = 0
    fields = ("number", "kind", "status", "proposed_by", "created_at", "responded_by")
    readonly_fields = fields
    can_delete = False


@admin.register(Agreement)
class AgreementAdmin(admin.ModelAdmin[Agreement]):
    list_display = ("title", "couple", "category", "status", "version", "revisit_by")
    list_filter = ("category", "status")
    raw_id_fields = ("couple", "current")
    inlines = (AgreementVersionInline,)


@admin.register(AgreementVersion)
class AgreementVersionAdmin(admin.ModelAdmin[AgreementVersion]):
    list_display = ("agreement", "number", "kind", "status", "created_at", "expires_at")
    list_filter = ("status", "kind")
    raw_id_fields = ("agreement", "proposed_by", "responded_by")
