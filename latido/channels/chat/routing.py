"""Websocket routes of the live chat (mounted by config.asgi under /ws/chat/)."""

from channels.auth import AuthMiddlewareStack
from channels.security.websocket import AllowedHostsOriginValidator
from django.urls import path

from latido.channels.chat.agent import AgentConsumer
from latido.channels.chat.visitor import VisitorConsumer

websocket_urlpatterns = [
    # Visitors come from other sites: the consumer checks the Origin against the widget.
    path("ws/chat/visitor/<str:key>/", VisitorConsumer.as_asgi()),
    # The agent console is Latido's own page: same-site Origin only, session cookie auth.
    path("ws/chat/agent/", AllowedHostsOriginValidator(AuthMiddlewareStack(
        AgentConsumer.as_asgi()))),
]
