"""The visitor's fields: parsed here, shared by the embedded widget and the hosted page."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from latido.tickets.forms import MultipleFileField

MAX_MESSAGE = 20_000


class ContactForm(forms.Form):
    name = forms.CharField(label=_("Full name"), max_length=120)
    email = forms.EmailField(label=_("Email address"), max_length=254)
    subject = forms.CharField(label=_("Subject"), max_length=250, required=False)
    message = forms.CharField(label=_("How can we help you?"), max_length=MAX_MESSAGE, strip=False,
                              widget=forms.Textarea(attrs={"rows": 6}))
    attachments = MultipleFileField(label=_("Attachments"))
    page = forms.CharField(required=False)  # the embedding page, for agents; truncated

    def clean_message(self) -> str:
        value: str = self.cleaned_data["message"]
        if not value.strip():
            raise forms.ValidationError(_("Please describe your request."))
        return value
