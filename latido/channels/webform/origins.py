"""Which sites may embed a form: origin lists, matching, CORS headers and frame-ancestors."""

from __future__ import annotations

import re

from django.http import HttpRequest, HttpResponseBase
from django.utils.translation import gettext as _

from latido.core.middleware import CSP

_LABEL = r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?"
_HOST = re.compile(rf"(\*\.)?{_LABEL}(\.{_LABEL})*")
_ORIGIN = re.compile(r"(?P<scheme>https?)://(?P<host>[^/:?#\s]+)(:(?P<port>\d{1,5}))?/?")
DEFAULT_PORTS = {"http": "80", "https": "443"}
# Browsers only let scripts send these request headers without asking (the CORS safelist).
ALLOWED_REQUEST_HEADERS = ("accept", "accept-language", "content-language", "content-type")
PREFLIGHT_MAX_AGE = "600"


class OriginError(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def normalize_origin(value: str) -> str:
    """``scheme://host[:port]`` in lower case, default port dropped; ``*.`` allowed once."""
    text = (value or "").strip().lower()
    match = _ORIGIN.fullmatch(text)
    if not match or not _HOST.fullmatch(match["host"]):
        raise OriginError(_(
            "%(value)s is not an origin; write it as https://www.example.com (no path)."
        ) % {"value": value.strip()})
    port = match["port"]
    if port and not 0 < int(port) <= 65535:
        raise OriginError(_("%(value)s has an invalid port.") % {"value": value.strip()})
    if port == DEFAULT_PORTS[match["scheme"]]:
        port = None
    return f"{match['scheme']}://{match['host']}" + (f":{port}" if port else "")


def parse_origins(text: str) -> list[str]:
    """One origin per line (commas and spaces separate too); duplicates dropped, order kept."""
    result: list[str] = []
    for item in re.split(r"[\s,]+", text or ""):
        if item:
            origin = normalize_origin(item)
            if origin not in result:
                result.append(origin)
    return result


def origin_matches(pattern: str, origin: str) -> bool:
    if pattern == origin:
        return True
    if "://*." not in pattern:
        return False
    scheme, _sep, rest = pattern.partition("://*.")
    other_scheme, _sep2, other_rest = origin.partition("://")
    # https://*.example.com matches https://shop.example.com, not https://example.com
    return other_scheme == scheme and other_rest.endswith("." + rest)


def own_origin(request: HttpRequest) -> str:
    return f"{request.scheme}://{request.get_host()}".lower()


def request_origin(request: HttpRequest) -> str | None:
    """The browser's Origin header, normalised; ``"null"`` for opaque origins."""
    raw = request.headers.get("Origin")
    if raw is None:
        return None
    try:
        return normalize_origin(raw)
    except OriginError:
        return "null"


def origin_allowed(origins: list[str], request: HttpRequest) -> bool:
    """No Origin header (not a cross-site browser request), this site, or a listed site."""
    origin = request_origin(request)
    if origin is None or origin == own_origin(request):
        return True
    return any(origin_matches(pattern, origin) for pattern in origins)


def add_cors_headers(response: HttpResponseBase, request: HttpRequest) -> HttpResponseBase:
    """Called only after origin_allowed: lets that one origin read the response."""
    origin = request.headers.get("Origin")
    if origin and request_origin(request) != own_origin(request):
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Expose-Headers"] = "Retry-After"
    response.headers["Vary"] = "Origin, Accept-Language"
    return response


def add_preflight_headers(response: HttpResponseBase, request: HttpRequest) -> HttpResponseBase:
    add_cors_headers(response, request)
    response.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
    response.headers["Access-Control-Allow-Headers"] = ", ".join(ALLOWED_REQUEST_HEADERS)
    response.headers["Access-Control-Max-Age"] = PREFLIGHT_MAX_AGE
    return response


def preflight_headers_acceptable(request: HttpRequest) -> bool:
    asked = request.headers.get("Access-Control-Request-Headers", "")
    names = {name.strip().lower() for name in asked.split(",") if name.strip()}
    method = request.headers.get("Access-Control-Request-Method", "").upper()
    return method in ("GET", "POST") and names <= set(ALLOWED_REQUEST_HEADERS)


def csp_for_framing(origins: list[str]) -> str:
    """The site-wide policy with frame-ancestors opened to this form's sites only."""
    ancestors = " ".join(["'self'", *origins])
    directives = [d.strip() for d in CSP.split(";")]
    return "; ".join(
        f"frame-ancestors {ancestors}" if d.startswith("frame-ancestors") else d
        for d in directives
    )
