"""API routes of this channel (mounted under /api/v1/channels/social)."""

from ninja import Router

router = Router(tags=["social"])
