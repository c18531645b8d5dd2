from __future__ import annotations

import base64
import binascii
import json
from datetime import time

from django import forms
from django.utils.translation import gettext_lazy as _

from notices import push
from notices.models import Channel, Kind, NotificationPreference

# Offered as a suggestion when someone is asked; never set without them choosing it.
SUGGESTED_QUIET = (time(22), time(8))


class NotificationForm(forms.ModelForm[NotificationPreference]):
    """How a person hears of each kind of thing, and their quiet hours."""

    prefix = "notify"

    class Meta:
        model = NotificationPreference
        fields = (*(kind.value for kind in Kind), "quiet_start", "quiet_end")
        widgets = {
            **{kind.value: forms.RadioSelect for kind in Kind},
            "quiet_start": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "quiet_end": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }
        help_texts = {
            "quiet_start": _("No email or push from then until the end, in your own time zone."),
            "quiet_end": _("What waited arrives once, together, when your quiet hours end."),
        }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for kind in Kind:
            field = self.fields[kind.value]
            assert isinstance(field, forms.ChoiceField)
            # Push is offered only where this Hearth can send it (or where it was chosen while
            # it could): a choice that would bring nothing is no choice.
            chosen = getattr(self.instance, kind.value)
            field.choices = [
                (value, label)
                for value, label in Channel.choices
                if value != Channel.PUSH or push.offered() or chosen == Channel.PUSH
            ]
            field.required = True

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if (data.get("quiet_start") is None) != (data.get("quiet_end") is None):
            raise forms.ValidationError(
                _("Give both a start and an end for quiet hours, or leave both empty.")
            )
        return data

    def channels(self) -> dict[str, str]:
        return {kind.value: self.cleaned_data[kind.value] for kind in Kind}


def _b64url(value: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (ValueError, binascii.Error):
        return b""


class PushSubscriptionForm(forms.Form):
    """What the browser's `PushSubscription.toJSON()` gives, flattened: the push service's
    address for this device and its two keys (RFC 8291: a P-256 point and a 16-byte secret)."""

    endpoint = forms.URLField(max_length=2000, assume_scheme="https")
    p256dh = forms.CharField(max_length=100)
    auth = forms.CharField(max_length=50)

    def clean_endpoint(self) -> str:
        endpoint: str = self.cleaned_data["endpoint"]
        if not push.is_push_service(endpoint):
            raise forms.ValidationError(_("This is not a push service's address."))
        return endpoint

    def clean_p256dh(self) -> str:
        key: str = self.cleaned_data["p256dh"]
        raw = _b64url(key)
        if len(raw) != 65 or raw[0] != 4:
            raise forms.ValidationError(_("This is not a device's public key."))
        return key

    def clean_auth(self) -> str:
        secret: str = self.cleaned_data["auth"]
        if len(_b64url(secret)) != 16:
            raise forms.ValidationError(_("This is not a device's secret."))
        return secret

    @classmethod
    def from_json(cls, body: bytes) -> PushSubscriptionForm:
        """The form for a subscription posted as JSON; anything else is an empty, invalid one."""
        try:
            data = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            data = None
        if not isinstance(data, dict):
            return cls(data={})
        keys = data.get("keys")
        keys = keys if isinstance(keys, dict) else {}
        return cls(
            data={
                "endpoint": data.get("endpoint"),
                "p256dh": keys.get("p256dh"),
                "auth": keys.get("auth"),
            }
        )
