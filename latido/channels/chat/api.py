"""API routes of this channel (mounted under /api/v1/channels/chat)."""

from ninja import Router

router = Router(tags=["chat"])
