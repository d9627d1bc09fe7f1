"""API routes of this channel (mounted under /api/v1/channels/phone)."""

from ninja import Router

router = Router(tags=["phone"])
