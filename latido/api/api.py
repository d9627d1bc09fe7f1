"""The one NinjaAPI at /api/v1: auth, error mapping, and every app's router."""

from __future__ import annotations

from typing import Any

from ninja import NinjaAPI
from ninja.openapi.schema import OpenAPISchema

from latido.accounts.api import router as accounts_router
from latido.api import errors
from latido.api.auth import SessionAuth, TokenAuth
from latido.channels.api import router as channels_router
from latido.channels.chat.api import router as chat_router
from latido.channels.phone.api import router as phone_router
from latido.channels.social.api import router as social_router
from latido.channels.webform.api import router as webform_router
from latido.customers.api import router as customers_router
from latido.tickets.api import router as tickets_router

DESCRIPTION = """\
Latido's JSON API. Authenticate with a personal token (`Authorization: Bearer lat_…`,
created at `POST /me/tokens`) or with the browser session plus the `X-CSRFToken` header for
changes. Every error is `{"code": "...", "message": "..."}`: 400 bad parameters, 401 not
authenticated, 403 not allowed, 404 unknown or not visible, 409 stale `version`, 413 body
too large, 422 body does not fit the schema. Lists are cursor-paginated: pass
`next_cursor` back as `cursor`.
"""

ERROR_SCHEMA = {
    "title": "Error",
    "type": "object",
    "properties": {
        "code": {"type": "string", "title": "Code", "examples": ["not_found"]},
        "message": {"type": "string", "title": "Message"},
    },
    "required": ["code", "message"],
}


class LatidoAPI(NinjaAPI):
    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        """Ninja's schema plus the error shape every operation may answer with."""
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
        error = {"description": "An error: {code, message}", "content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/Error"}}}}
        for operations in schema["paths"].values():
            for operation in operations.values():
                operation["responses"].setdefault("4XX", error)
        return schema


api = LatidoAPI(
    title="Latido API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    auth=[TokenAuth(), SessionAuth()],
    docs_url=None,  # the docs page needs inline scripts our CSP refuses; use openapi.json
)
errors.install(api)
api.add_router("", accounts_router)
api.add_router("", tickets_router)
api.add_router("", customers_router)
api.add_router("/channels", channels_router)
api.add_router("/channels/chat", chat_router)
api.add_router("/channels/phone", phone_router)
api.add_router("/channels/social", social_router)
api.add_router("/channels/forms", webform_router)
