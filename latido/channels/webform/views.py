"""Public endpoints of a web form: config and submit for the embedded widget, and the hosted
page (also what the iframe variant shows).

No session or cookie is used here: the views never look at ``request.user``, and the widget
sends its requests without credentials. Django's CSRF cookie cannot reach a cross-site form
anyway, so its role is played by the signed one-time form token (``spam.py``) plus the origin
check: a browser on a site that is not listed gets no CORS headers and a 403.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from latido.channels.webform.forms import ContactForm
from latido.channels.webform.labels import widget_labels
from latido.channels.webform.models import WebForm
from latido.channels.webform.origins import (
    add_cors_headers,
    add_preflight_headers,
    csp_for_framing,
    origin_allowed,
    preflight_headers_acceptable,
    request_origin,
)
from latido.channels.webform.selectors import webform_get_active
from latido.channels.webform.services import RateLimited, Submission, Visitor, webform_submit
from latido.channels.webform.spam import (
    HONEYPOT_FIELD,
    TOKEN_FIELD,
    client_ip,
    honeypot_filled,
    token_check,
    token_issue,
)
from latido.core.errors import DomainError, ValidationError
from latido.tickets.attachments import ALLOWED_EXTENSIONS

logger = logging.getLogger(__name__)
FormView = Callable[[HttpRequest, WebForm], HttpResponse]

# Which form field a service error belongs to, so the visitor sees it next to that field.
FIELD_OF_CODE = {
    "attachments_off": "attachments", "too_many_attachments": "attachments",
    "attachment_type": "attachments", "attachment_too_large": "attachments",
    "too_large": "attachments", "email_invalid": "email", "body_required": "message",
    "body_too_long": "message", "subject_required": "subject",
}


@dataclass
class Outcome:
    status: int
    message: str
    code: str = ""
    errors: dict[str, list[str]] = field(default_factory=dict)
    reference: str | None = None
    retry_after: int | None = None

    @property
    def ok(self) -> bool:
        return self.status < 400


def _language_code(request: HttpRequest) -> str | None:
    """``?lang=es-MX`` → ``es`` when it is one of ours; else the browser's Accept-Language."""
    wanted = (request.GET.get("lang") or "").strip().lower().replace("_", "-")
    codes = dict(settings.LANGUAGES)
    for candidate in (wanted, wanted.split("-")[0]):
        if candidate in codes:
            return candidate
    return None


@contextlib.contextmanager
def _language(request: HttpRequest) -> Iterator[None]:
    code = _language_code(request)
    with translation.override(code) if code else contextlib.nullcontext():
        yield


def _success_text(form: WebForm) -> str:
    return form.success_message.strip() or _(
        "Thank you. We received your message and will get back to you.")


def _page_url(value: str) -> str:
    value = (value or "").strip()
    return value[:500] if value.startswith(("https://", "http://")) else ""


def _max_request_bytes(form: WebForm) -> int:
    return (form.attachment_limit * settings.LATIDO_MAX_ATTACHMENT_BYTES
            + settings.DATA_UPLOAD_MAX_MEMORY_SIZE)


def _too_large() -> Outcome:
    message = _("The attachments are too large for this form.")
    return Outcome(413, message, code="too_large", errors={"attachments": [message]})


def _read_body(request: HttpRequest, form: WebForm) -> Outcome | None:
    """Refuse an oversized or unreadable body before Django parses it into memory or disk."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > _max_request_bytes(form):
        return _too_large()
    try:
        request.POST  # noqa: B018 - parses the multipart body now, inside this try
    except RequestDataTooBig:
        return _too_large()
    except (SuspiciousOperation, MultiPartParserError):
        return Outcome(400, _("The form data could not be read."), code="bad_request")
    return None


def handle_submission(request: HttpRequest, form: WebForm) -> Outcome:
    """Every check in order; only the last step (the service) stores anything."""
    refused = _read_body(request, form)
    if refused:
        return refused
    data = request.POST
    if honeypot_filled(data.get(HONEYPOT_FIELD)):
        logger.info("web form %s: honeypot filled, submission dropped", form.pk)
        return Outcome(201, _success_text(form))
    try:
        token = token_check(form=form, token=data.get(TOKEN_FIELD, ""))
    except ValidationError as err:
        return Outcome(400, err.message, code=err.code)
    parsed = ContactForm(data, request.FILES)
    if not parsed.is_valid():
        return Outcome(400, _("Please check the highlighted fields."), code="invalid",
                       errors={k: [str(m) for m in v] for k, v in parsed.errors.items()})
    clean = parsed.cleaned_data
    try:
        ticket = webform_submit(
            form=form, token=token,
            submission=Submission(name=clean["name"], email=clean["email"],
                                  subject=clean["subject"], message=clean["message"],
                                  attachments=clean["attachments"]),
            visitor=Visitor(ip=client_ip(request), origin=request_origin(request) or "",
                            page_url=_page_url(clean["page"])),
        )
    except RateLimited as err:
        return Outcome(429, err.message, code=err.code, retry_after=err.retry_after)
    except DomainError as err:
        name = FIELD_OF_CODE.get(err.code)
        return Outcome(err.http_status, err.message, code=err.code,
                       errors={name: [err.message]} if name else {})
    return Outcome(201, _success_text(form), reference=ticket.reference)


def _json(request: HttpRequest, payload: dict[str, Any], status: int = 200) -> JsonResponse:
    response = JsonResponse(payload, status=status)
    response["Cache-Control"] = "no-store"
    response["Content-Language"] = translation.get_language() or settings.LANGUAGE_CODE
    add_cors_headers(response, request)
    return response


def _refused(request: HttpRequest) -> JsonResponse:
    """No CORS headers: the embedding page cannot even read why."""
    response = JsonResponse({"code": "origin_refused",
                             "message": _("This site may not use this contact form.")},
                            status=403)
    response["Vary"] = "Origin"
    return response


def _not_found() -> JsonResponse:
    return JsonResponse({"code": "not_found", "message": _(
        "This contact form does not exist or is switched off.")}, status=404)


def _preflight(request: HttpRequest) -> HttpResponse:
    if not preflight_headers_acceptable(request):
        return _refused(request)
    response = HttpResponse(status=204)
    add_preflight_headers(response, request)
    return response


def _form_config(request: HttpRequest, form: WebForm) -> dict[str, Any]:
    query = {"lang": translation.get_language() or settings.LANGUAGE_CODE}
    submit = reverse("webform:submit", args=[form.key])
    return {
        "key": form.key,
        "language": query["lang"],
        "submit_url": request.build_absolute_uri(f"{submit}?{urlencode(query)}"),
        "token": token_issue(form=form),
        "min_fill_seconds": form.min_fill_seconds,
        "max_attachments": form.attachment_limit,
        "max_attachment_bytes": settings.LATIDO_MAX_ATTACHMENT_BYTES,
        "accept": ",".join(f".{ext}" for ext in sorted(ALLOWED_EXTENSIONS)),
        "fields": {"honeypot": HONEYPOT_FIELD, "token": TOKEN_FIELD},
        "labels": widget_labels(form),
    }


def cross_site(*methods: str) -> Callable[[FormView], Callable[..., HttpResponse]]:
    """The widget's endpoints: unknown form 404, other sites 403, preflight answered, the
    visitor's language active; no CSRF cookie (see the module docstring)."""

    def decorate(view: FormView) -> Callable[..., HttpResponse]:
        @csrf_exempt
        @require_http_methods([*methods, "OPTIONS"])
        @wraps(view)
        def wrapper(request: HttpRequest, key: str) -> HttpResponse:
            form = webform_get_active(key=key)
            if form is None:
                return _not_found()
            if not origin_allowed(form.origins, request):
                return _refused(request)
            if request.method == "OPTIONS":
                return _preflight(request)
            with _language(request):
                return view(request, form)

        return wrapper

    return decorate


@cross_site("GET")
def config(request: HttpRequest, form: WebForm) -> HttpResponse:
    """What the widget needs to draw the form: labels in the visitor's language, a token."""
    return _json(request, _form_config(request, form))


@cross_site("POST")
def submit(request: HttpRequest, form: WebForm) -> HttpResponse:
    """Multipart POST from the widget: 201 with the ticket reference, or 4xx per field."""
    outcome = handle_submission(request, form)
    payload: dict[str, Any] = {"ok": outcome.ok, "message": outcome.message}
    if outcome.ok:
        payload["reference"] = outcome.reference
    else:
        payload.update(code=outcome.code, errors=outcome.errors)
    if outcome.retry_after:
        payload["retry_after"] = outcome.retry_after
    response = _json(request, payload, status=outcome.status)
    if outcome.retry_after:
        response["Retry-After"] = str(outcome.retry_after)
    return response


def _page_context(form: WebForm, outcome: Outcome | None,
                  values: dict[str, str]) -> dict[str, Any]:
    return {
        "webform": form, "outcome": outcome, "values": values, "labels": widget_labels(form),
        "errors": outcome.errors if outcome else {}, "token": token_issue(form=form),
        "honeypot_field": HONEYPOT_FIELD, "token_field": TOKEN_FIELD,
        "accept": ",".join(f".{ext}" for ext in sorted(ALLOWED_EXTENSIONS)),
        "lang": translation.get_language(),
    }


@csrf_exempt
@xframe_options_exempt
@require_http_methods(["GET", "POST"])
def page(request: HttpRequest, key: str) -> HttpResponse:
    """The form as a page of its own: linked to directly, or framed by the allowed sites."""
    form = webform_get_active(key=key)
    if form is None:
        raise Http404
    outcome: Outcome | None = None
    values: dict[str, str] = {}
    with _language(request):
        if request.method == "POST":
            if not origin_allowed(form.origins, request):
                return _refused(request)
            outcome = handle_submission(request, form)
            if not outcome.ok and outcome.code not in ("too_large", "bad_request"):
                values = {k: request.POST.get(k, "") for k in ("name", "email", "subject",
                                                                "message")}
        response = render(request, "webform/page.html", _page_context(form, outcome, values),
                          status=200 if outcome is None or outcome.ok else outcome.status)
        response["Content-Language"] = translation.get_language() or settings.LANGUAGE_CODE
    response["Content-Security-Policy"] = csp_for_framing(form.origins)
    response["Cache-Control"] = "no-store"
    if outcome and outcome.retry_after:
        response["Retry-After"] = str(outcome.retry_after)
    return response
