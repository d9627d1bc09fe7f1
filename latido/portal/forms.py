"""Portal forms: they parse input; the services validate the rest and write."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from latido.tickets.forms import MultipleFileField


class RequestForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=250, widget=forms.TextInput(
        attrs={"placeholder": _("A short summary of your request")}))
    description = forms.CharField(
        label=_("Description"), max_length=200_000, strip=False,
        widget=forms.Textarea(attrs={"rows": 8, "placeholder": _(
            "What happened, what you expected, and any order or invoice numbers.")}),
    )
    attachments = MultipleFileField(
        label=_("Attachments"),
        help_text=_("Screenshots, documents or logs; up to 10 files of 10 MB each."),
    )

    def clean_description(self) -> str:
        value: str = self.cleaned_data["description"]
        if not value.strip():
            raise forms.ValidationError(_("Please describe your request."))
        return value


class PortalReplyForm(forms.Form):
    body = forms.CharField(label=_("Your reply"), max_length=200_000, strip=False,
                           widget=forms.Textarea(attrs={"rows": 5}))
    attachments = MultipleFileField(label=_("Attachments"))

    def clean_body(self) -> str:
        value: str = self.cleaned_data["body"]
        if not value.strip():
            raise forms.ValidationError(_("The reply is empty."))
        return value


class ListFilterForm(forms.Form):
    show = forms.ChoiceField(required=False, label=_("Show"), choices=[
        ("", _("All requests")), ("open", _("Open")), ("solved", _("Solved and closed"))])
