"""Forms of the contact pages: search, add an identity, pick and confirm a merge."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from latido.customers.models import ContactIdentity


class ContactSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search contacts"), max_length=200, required=False,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off",
                                      "placeholder": _("Name, email address or phone")}),
    )

    def __init__(self, *args: Any, prefix_id: str = "search", **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"{prefix_id}_%s")
        super().__init__(*args, **kwargs)

    def query(self) -> str:
        return (self.cleaned_data.get("q") or "").strip() if self.is_valid() else ""


class IdentityForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type of identity"), choices=ContactIdentity.Kind.choices)
    value = forms.CharField(label=_("Email, phone or handle"), max_length=254)
    platform = forms.CharField(
        label=_("Social platform"), max_length=40, required=False,
        help_text=_("Only for social handles, for example: twitter, facebook, whatsapp."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "identity_%s")
        super().__init__(*args, **kwargs)


class MergeForm(forms.Form):
    source = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**63 - 1)
