"""URLs of /api/v1: the NinjaAPI, with JSON answers for unknown paths and wrong methods."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, include, path, re_path
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from latido.api.api import api
from latido.api.errors import json_error


def _json_405(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if response.status_code == 405 and not response.get("Content-Type", "").startswith(
            "application/json"
        ):
            allow = response.get("Allow", "")
            response = json_error(405, "method_not_allowed", _("Method not allowed."))
            response["Allow"] = allow
        return response

    return wrapper


def _patterns() -> list[URLPattern | URLResolver]:
    patterns, _app, _namespace = api.urls
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            pattern.callback = csrf_exempt(_json_405(pattern.callback))
    return list(patterns)


@csrf_exempt
def not_found(request: HttpRequest, path: str = "") -> HttpResponse:
    return json_error(404, "not_found", _("No such endpoint."))


urlpatterns: list[URLPattern | URLResolver] = [
    path("", include((_patterns(), "api"), namespace=api.urls_namespace)),
    re_path(r"^(?P<path>.*)$", not_found),
]
