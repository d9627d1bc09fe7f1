from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from latido.channels.chat.models import ChatWidget
from latido.channels.webform.models import WebForm


def demo_site(request: HttpRequest) -> HttpResponse:
    """The example customer website of the demo; 404 when the demo is not loaded."""
    widget = ChatWidget.objects.filter(active=True).order_by("id").first()
    form = WebForm.objects.filter(active=True).order_by("id").first()
    if widget is None and form is None:
        raise Http404
    return render(request, "demo/site.html", {"widget": widget, "form": form})
