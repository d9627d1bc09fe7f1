"""Every API error is `{"code": ..., "message": ...}` with the right HTTP status."""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from latido.core.errors import DomainError, PayloadTooLarge

# Where a ninja validation error happened decides its status: a malformed query or path is a
# bad request (400); a well-formed JSON body that does not fit the schema is 422.
_BAD_REQUEST_SOURCES = {"query", "path", "header", "cookie"}
_ARGUMENT_NAMES = {"params", "payload"}


def error_body(code: str, message: str) -> dict[str, str]:
    return {"code": code, "message": str(message)}


def json_error(status: int, code: str, message: str) -> HttpResponse:
    """A JSON error response outside ninja (URL misses, 405s)."""
    return HttpResponse(
        json.dumps(error_body(code, message)), status=status,
        content_type="application/json; charset=utf-8",
    )


def _describe(error: dict[str, Any]) -> str:
    # Drop the source ("query", "body") and the handler's argument name ("params", "payload").
    loc = [str(part) for part in error.get("loc", ())[1:] if part not in _ARGUMENT_NAMES]
    where = ".".join(loc)
    msg = str(error.get("msg", _("Invalid value.")))
    return f"{where}: {msg}" if where else msg


def _validation_status(errors: list[dict[str, Any]]) -> int:
    sources = {str(e.get("loc", ("body",))[0]) for e in errors}
    return 400 if sources & _BAD_REQUEST_SOURCES else 422


def install(api: NinjaAPI) -> None:
    """Register the handlers that turn every failure into `{code, message}`."""

    def respond(request: HttpRequest, status: int, code: str, message: str) -> HttpResponse:
        return api.create_response(request, error_body(code, message), status=status)

    @api.exception_handler(DomainError)
    def on_domain(request: HttpRequest, exc: DomainError) -> HttpResponse:
        return respond(request, exc.http_status, exc.code, exc.message)

    @api.exception_handler(NinjaValidationError)
    def on_validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        errors = list(exc.errors)
        message = "; ".join(_describe(e) for e in errors[:10]) or _("Invalid input.")
        return respond(request, _validation_status(errors), "invalid", message)

    @api.exception_handler(AuthenticationError)
    def on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        response = respond(
            request, 401, "unauthenticated",
            _("Authentication required: send 'Authorization: Bearer <token>' or sign in."),
        )
        response["WWW-Authenticate"] = 'Bearer realm="latido"'
        return response

    @api.exception_handler(HttpError)
    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if exc.status_code == 400:  # ninja raises 400 only when the body is not JSON
            return respond(request, 400, "bad_json", _("The request body is not valid JSON."))
        codes = {403: "forbidden", 404: "not_found", 405: "method_not_allowed",
                 429: "throttled"}
        return respond(request, exc.status_code, codes.get(exc.status_code, "error"),
                       exc.message)

    @api.exception_handler(Http404)
    def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return respond(request, 404, "not_found", _("Not found."))

    @api.exception_handler(RequestDataTooBig)
    def on_too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        return respond(request, 413, PayloadTooLarge.code, _("The request body is too large."))

