"""Domain errors with stable codes; only the edges turn them into HTTP or CLI messages."""

from __future__ import annotations


class DomainError(Exception):
    """Base of every error a service raises on purpose."""

    code = "invalid"
    http_status = 400

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = str(message)
        if code:
            self.code = code


class ValidationError(DomainError):
    code = "invalid"
    http_status = 400


class NotFound(DomainError):
    code = "not_found"
    http_status = 404


class PermissionDenied(DomainError):
    code = "forbidden"
    http_status = 403


class Conflict(DomainError):
    code = "conflict"
    http_status = 409


class PayloadTooLarge(DomainError):
    code = "too_large"
    http_status = 413
