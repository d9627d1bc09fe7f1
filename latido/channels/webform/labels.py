"""Every text the visitor sees, in the active language, for the widget and the hosted page."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from latido.channels.webform.forms import ContactForm
from latido.channels.webform.models import WebForm


def widget_labels(form: WebForm) -> dict[str, str]:
    fields = ContactForm.base_fields
    files, megabytes = form.attachment_limit, settings.LATIDO_MAX_ATTACHMENT_BYTES // 2**20
    return {
        "title": _("Contact us"),
        "intro": _("Send us a message and we will get back to you."),
        "name": str(fields["name"].label),
        "email": str(fields["email"].label),
        "subject": str(fields["subject"].label),
        "message": str(fields["message"].label),
        "attachments": str(fields["attachments"].label),
        "attachments_help": ngettext(
            "Up to %(n)d file of %(mb)d MB.", "Up to %(n)d files of %(mb)d MB each.", files,
        ) % {"n": files, "mb": megabytes},
        "optional": _("optional"),
        "required": _("This field is required."),
        "honeypot": _("Leave this field empty"),
        "submit": _("Send message"),
        "sending": _("Sending…"),
        "invalid": _("Please check the highlighted fields."),
        "too_many_files": ngettext(
            "At most %(n)d attachment per message.", "At most %(n)d attachments per message.",
            files) % {"n": files},
        "file_too_large": _("%(name)s is larger than the %(mb)d MB limit.")
        .replace("%(mb)d", str(megabytes)),
        "unavailable": _("The message could not be sent. Please try again later."),
        "reference": _("Your reference: %(ref)s"),
    }
