"""Pages and endpoints of the live chat: the agent console and the widget's configuration."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from latido.channels.chat.consumers import language_for
from latido.channels.chat.models import ChatWidget
from latido.channels.chat.selectors import chat_visible_q
from latido.tickets.page_selectors import sidebar_for
from latido.tickets.views.common import actor_of, agent_required


@agent_required
@require_GET
def console_page(request: HttpRequest) -> HttpResponse:
    """The agent's chat console: waiting queue, accepted chats, typing, end."""
    user = actor_of(request)
    if chat_visible_q(user) is None:
        raise Http404
    return render(request, "chat/console.html", {
        "sidebar": sidebar_for(actor=user), "kind": "chat",
        "capacity": user.chat_capacity, "console_labels": console_labels(),
    })


def console_labels() -> dict[str, str]:
    """Texts the console script builds its lists with, in the agent's language."""
    return {
        "accept": _("Accept"),
        "accept_chat": _("Accept the chat with %(name)s"),
        "waiting_for": _("waiting %(time)s"),
        "open_ticket": _("Open ticket %(ref)s"),
        "end": _("End chat"),
        "send": _("Send"),
        "reply": _("Reply to %(name)s"),
        "typing": _("%(name)s is typing…"),
        "left_page": _("The visitor left the page."),
        "back": _("The visitor is back."),
        "connected": _("Connected. New visitors appear here."),
        "disconnected": _("Connection lost. Reconnecting…"),
        "load": _("Your chats: %(n)s of %(max)s."),
        "full": _("You are at your chat capacity; end a chat to accept another."),
    }


def widget_labels() -> dict[str, str]:
    """Every text the widget shows, in the active language."""
    return {
        "launcher": _("Chat with us"),
        "title": _("Live chat"),
        "close": _("Close the chat window"),
        "intro": _("Tell us who you are and what you need; an agent will join you."),
        "name": _("Your name"),
        "email": _("Your email address"),
        "message": _("How can we help?"),
        "start": _("Start the chat"),
        "waiting": _("Waiting for an agent…"),
        "joined": _("%(name)s joined the chat."),
        "typing_agent": _("The agent is typing…"),
        "send": _("Send"),
        "reply": _("Your message"),
        "end": _("End the chat"),
        "ended": _("The chat has ended. Thank you!"),
        "offer": _("All our agents are busy. Leave us a message and we will answer by email."),
        "leave": _("Leave a message"),
        "note": _("Your message for our team"),
        "left": _("Thank you! We received your message and will answer by email."),
        "keep_waiting": _("Keep waiting"),
        "offline": _("The connection was lost. Reload the page to continue."),
        "you": _("You"),
    }


def _refused(message: str, status: int) -> JsonResponse:
    return JsonResponse({"code": "forbidden" if status == 403 else "not_found",
                         "message": message}, status=status)


@require_GET
def widget_config(request: HttpRequest, key: str) -> HttpResponse:
    """The widget's texts and addresses, for a page on one of the widget's allowed sites.

    Cross-origin: the browser sends an Origin header, and only an allowed origin gets the
    CORS header that lets its page read the answer. A same-origin GET carries no Origin
    header (a page served by Latido itself, such as the demo site): it gets the texts, and
    the websocket handshake, which always carries an Origin, still enforces the sites.
    """
    widget = ChatWidget.objects.filter(public_key=key, active=True).first()
    origin = request.headers.get("Origin")
    if widget is None:
        response = _refused(_("This chat is not available."), 404)
    elif origin is not None and not widget.allows_origin(origin):
        response = _refused(_("This site may not use this chat."), 403)
    else:
        with translation.override(language_for(request.GET.get("lang", ""))):
            response = JsonResponse({
                "language": translation.get_language(),
                "wait_timeout_seconds": widget.wait_timeout_seconds,
                "stylesheet": request.build_absolute_uri(static("latido/chat-widget.css")),
                "labels": widget_labels(),
            })
        if origin is not None:
            response["Access-Control-Allow-Origin"] = origin
    response["Cache-Control"] = "no-store"
    patch_vary_headers(response, ["Origin"])
    return response
