"""Forms of the agent pages. They parse and validate input; the services decide and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from latido.accounts.models import User
from latido.accounts.roles import Tier
from latido.tickets.enums import Channel, Priority, Status, TicketType
from latido.tickets.models import Category, Ticket
from latido.tickets.selectors import DEFAULT_SORT

SORT_LABELS = {
    "updated": _("Recently updated"),
    "-updated": _("Least recently updated"),
    "created": _("Newest first"),
    "-created": _("Oldest first"),
    "priority": _("Highest priority"),
    "-priority": _("Lowest priority"),
}
ALL_STATUSES = "all"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; size and type limits are the attachment service's."""

    widget = MultipleFileInput

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        items = data if isinstance(data, list | tuple) else ([data] if data else [])
        single = super().clean
        return [single(item, initial) for item in items if item]


class PageForm(forms.Form):
    """Several forms share the ticket page, so each gets its own element ids."""

    id_prefix = "form"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)


class VersionedForm(PageForm):
    """Carries the ticket version the agent saw; a stale one is refused by the service (409)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    stale = False


def _blank(label: Any) -> list[tuple[str, Any]]:
    return [("", label)]


class QueueFilterForm(PageForm):
    id_prefix = "filter"
    status = forms.ChoiceField(
        label=_("Status"), required=False,
        choices=[("", _("Unsolved")), *Status.choices, (ALL_STATUSES, _("Any status"))],
    )
    priority = forms.TypedChoiceField(
        label=_("Priority"), required=False, coerce=int, empty_value=None,
        choices=_blank(_("Any priority")) + list(Priority.choices),
    )
    tier = forms.TypedChoiceField(
        label=_("Tier"), required=False, coerce=int, empty_value=None,
        choices=_blank(_("Any tier")) + list(Tier.choices),
    )
    channel = forms.ChoiceField(
        label=_("Channel"), required=False,
        choices=_blank(_("Any channel")) + list(Channel.choices),
    )
    sort = forms.ChoiceField(
        label=_("Sort"), required=False, choices=list(SORT_LABELS.items()),
    )

    def sort_key(self) -> str:
        return self.cleaned_data.get("sort") or DEFAULT_SORT


class ReplyForm(PageForm):
    id_prefix = "reply"
    body = forms.CharField(label=_("Reply to the customer"), widget=forms.Textarea(
        attrs={"rows": 6, "placeholder": _("Write a public reply…")}), strip=False)
    status = forms.ChoiceField(
        label=_("Then set the status to"), required=False,
        choices=[("", _("Keep the status")), (Status.OPEN, Status.OPEN.label),
                 (Status.PENDING, Status.PENDING.label), (Status.ON_HOLD, Status.ON_HOLD.label),
                 (Status.SOLVED, Status.SOLVED.label)],
    )
    attachments = MultipleFileField(label=_("Attachments"))


class NoteForm(PageForm):
    id_prefix = "note"
    body = forms.CharField(label=_("Internal note"), widget=forms.Textarea(
        attrs={"rows": 4, "placeholder": _("Only your colleagues see this…")}), strip=False)
    attachments = MultipleFileField(label=_("Attachments"))


class UpdateForm(VersionedForm):
    id_prefix = "update"
    status = forms.ChoiceField(label=_("Status"), choices=Status.choices)
    priority = forms.TypedChoiceField(label=_("Priority"), coerce=int, choices=Priority.choices)
    type = forms.ChoiceField(label=_("Type"), choices=TicketType.choices)
    category = forms.ModelChoiceField(
        label=_("Category"), required=False, queryset=Category.objects.all(),
        empty_label=_("No category"),
    )
    tags = forms.CharField(label=_("Tags"), required=False, help_text=_("Separated by commas."),
                           max_length=2000)

    @classmethod
    def for_ticket(cls, ticket: Ticket) -> UpdateForm:
        return cls(initial={
            "version": ticket.version, "status": ticket.status, "priority": ticket.priority,
            "type": ticket.type, "category": ticket.category_id,
            "tags": ", ".join(sorted(t.name for t in ticket.tags.all())),
        })

    def tag_list(self) -> list[str]:
        return [t.strip() for t in self.cleaned_data.get("tags", "").split(",") if t.strip()]


class AssignForm(VersionedForm):
    id_prefix = "assign"
    assignee = forms.TypedChoiceField(label=_("Assignee"), required=False, coerce=int,
                                      empty_value=None)

    def __init__(self, *args: Any, agents: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.agents = {a.pk: a for a in agents}
        self.fields["assignee"].choices = [("", _("Unassigned"))] + [  # type: ignore[attr-defined]
            (a.pk, a.name) for a in agents
        ]

    def assignee_user(self) -> User | None:
        pk = self.cleaned_data.get("assignee")
        return self.agents.get(pk) if pk is not None else None


def _tier_choices(tiers: list[int]) -> list[tuple[int, str]]:
    return [(t, str(Tier(t).label)) for t in tiers]


class EscalateForm(VersionedForm):
    id_prefix = "escalate"
    to_tier = forms.TypedChoiceField(label=_("Escalate to"), coerce=int)
    reason = forms.CharField(label=_("Reason"), max_length=200, help_text=_(
        "Why this needs the next tier, e.g. “needs access to the payment logs”."))
    handoff_note = forms.CharField(
        label=_("Hand-off note"), widget=forms.Textarea(attrs={"rows": 5}), strip=False,
        help_text=_("Internal: what was tried, what is known, what the customer expects."),
    )

    def __init__(self, *args: Any, ticket: Ticket, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        higher = [t for t in Tier.values if t > ticket.tier]
        self.fields["to_tier"].choices = _tier_choices(higher)  # type: ignore[attr-defined]
        self.available = bool(higher)


class DeescalateForm(VersionedForm):
    id_prefix = "deescalate"
    to_tier = forms.TypedChoiceField(label=_("Send back to"), coerce=int)
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), strip=False,
        help_text=_("Internal: what is left to do at that tier."),
    )

    def __init__(self, *args: Any, ticket: Ticket, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        lower = [t for t in Tier.values if t < ticket.tier]
        self.fields["to_tier"].choices = _tier_choices(lower)  # type: ignore[attr-defined]
        self.available = bool(lower)
