"""Forms of the phone pages: they parse input; the services check and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from latido.channels.phone.models import Call
from latido.channels.phone.services import MAX_DURATION_SECONDS, CallDetails

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class CallForm(forms.Form):
    """A call an agent made or took; times are in the agent's time zone."""

    direction = forms.ChoiceField(label=_("Call direction"), choices=Call.Direction.choices)
    caller_name = forms.CharField(label=_("Caller's name"), required=False, max_length=200)
    number = forms.CharField(label=_("Customer's phone number"), required=False, max_length=40)
    started_at = forms.DateTimeField(
        label=_("Call started at"), input_formats=[DATETIME_FORMAT, "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT),
    )
    duration_minutes = forms.IntegerField(label=_("Duration (minutes)"), min_value=0,
                                          max_value=MAX_DURATION_SECONDS // 60, initial=0)
    duration_seconds = forms.IntegerField(label=_("and seconds"), min_value=0, max_value=59,
                                          initial=0, required=False)
    outcome = forms.ChoiceField(label=_("Call outcome"), required=False,
                                choices=[("", _("Outcome not set")), *Call.Outcome.choices])
    notes = forms.CharField(
        label=_("Call notes"), required=False, max_length=20_000,
        help_text=_("Saved as an internal note; the customer never sees it."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, prefix_id: str = "call", **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"{prefix_id}_%s")
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("started_at", timezone.localtime().replace(
                second=0, microsecond=0))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        total = (data.get("duration_minutes") or 0) * 60 + (data.get("duration_seconds") or 0)
        if total > MAX_DURATION_SECONDS:
            raise forms.ValidationError(_("The duration must be between 0 seconds and 24 "
                                          "hours."))
        data["total_seconds"] = total
        return data

    def details(self) -> CallDetails:
        data = self.cleaned_data
        return CallDetails(
            direction=data["direction"], number=data.get("number") or "",
            started_at=data["started_at"], duration_seconds=data["total_seconds"],
            outcome=data.get("outcome") or "", notes=data.get("notes") or "",
            caller_name=data.get("caller_name") or "",
        )


class CallTicketForm(CallForm):
    """A new ticket from a call: who called and what they need."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["caller_name"].help_text = _(
            "Used when the number belongs to no contact yet.")

    subject = forms.CharField(label=_("Subject"), max_length=250)
    description = forms.CharField(
        label=_("Description"), required=False, max_length=20_000,
        help_text=_("What the customer asked for; visible to the customer. Left empty, a short "
                    "summary of the call is used."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    field_order = ("caller_name", "number", "direction", "subject", "description",
                   "started_at", "duration_minutes", "duration_seconds", "outcome", "notes")


class LinkCallForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Call outcome"), required=False,
                                choices=[("", _("Outcome not set")), *Call.Outcome.choices])
    notes = forms.CharField(label=_("Call notes"), required=False, max_length=20_000)
