"""Agent pages of the email channel: the ticket's CC list."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from latido.channels.email.cc import ticket_cc_set
from latido.core.errors import DomainError, NotFound
from latido.tickets.selectors import ticket_get_for
from latido.tickets.views.common import actor_of, agent_required, see_other


@agent_required
@require_POST
def ticket_cc_view(request: HttpRequest, ref: str) -> HttpResponse:
    """Replace the ticket's CC list; errors are shown on the ticket page, nothing stored."""
    user = actor_of(request)
    try:
        ticket = ticket_get_for(actor=user, ticket_id=ref)
    except NotFound as exc:
        raise Http404 from exc
    url = reverse("tickets:ticket", args=[ticket.reference]) + "#email-cc"
    try:
        ticket_cc_set(ticket=ticket, actor=user, text=request.POST.get("cc", "")[:6000])
    except NotFound as exc:
        raise Http404 from exc
    except DomainError as exc:
        messages.error(request, exc.message)
        return see_other(url)
    messages.success(request, _("CC list saved."))
    return see_other(url)
