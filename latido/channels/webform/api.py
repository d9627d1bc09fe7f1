"""API routes of this channel (mounted under /api/v1/channels/webform)."""

from ninja import Router

router = Router(tags=["webform"])
