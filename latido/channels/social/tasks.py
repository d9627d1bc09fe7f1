"""Background work of the social channel."""

from __future__ import annotations

from django_tasks import task


@task()
def send_social_reply(outbound_id: int) -> None:
    """POST one outgoing reply (at most once per attempt; a row claimed or sent is skipped)."""
    from latido.channels.social.outbound import social_reply_send

    social_reply_send(outbound_id=outbound_id)


@task()
def retry_social_replies(limit: int = 500) -> int:
    """Send failed replies whose backoff has passed, and pending ones whose job was lost."""
    from latido.channels.social.outbound import due_for_retry, social_reply_send

    ids = list(due_for_retry().values_list("pk", flat=True)[:limit])
    for pk in ids:
        social_reply_send(outbound_id=pk)
    return len(ids)
