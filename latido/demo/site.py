"""The demo's example customer website: a live-chat widget and a contact form to try out.

`latido demo` configures one chat widget and one web form that may run on Latido's own
address, and `/demo/site/` is a page standing in for a company's site that embeds both with
the same snippets an administrator copies from the configuration site.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

from latido.accounts.models import Team
from latido.channels.chat.models import ChatWidget
from latido.channels.webform.models import WebForm

LOOPBACK_ALIASES = {"127.0.0.1": "localhost", "localhost": "127.0.0.1"}


def demo_origins() -> list[str]:
    """Latido's own origin, and its loopback alias (a visitor may type either)."""
    parts = urlsplit(str(settings.BASE_URL))
    origins = [f"{parts.scheme}://{parts.netloc}"]
    alias = LOOPBACK_ALIASES.get(parts.hostname or "")
    if alias:
        port = f":{parts.port}" if parts.port else ""
        origins.append(f"{parts.scheme}://{alias}{port}")
    return origins


def build_demo_channels(*, team: Team) -> tuple[ChatWidget, WebForm]:
    """A chat widget and a contact form for the example site, answered by `team`."""
    origins = "\n".join(demo_origins())
    widget = ChatWidget.objects.create(
        name=_("Website chat (demo)"), allowed_origins=origins, team=team,
        wait_timeout_seconds=120)
    form = WebForm(name=_("Website contact form (demo)"), allowed_origins=origins, team=team)
    form.full_clean()
    form.save()
    return widget, form
