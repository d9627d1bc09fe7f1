from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    NEW = "new", _("New")
    OPEN = "open", _("Open")
    PENDING = "pending", _("Pending")
    ON_HOLD = "on_hold", _("On hold")
    SOLVED = "solved", _("Solved")
    CLOSED = "closed", _("Closed")


UNSOLVED = (Status.NEW, Status.OPEN, Status.PENDING, Status.ON_HOLD)
SOLVED_STATES = (Status.SOLVED, Status.CLOSED)


class Priority(models.IntegerChoices):
    LOW = 1, _("Low")
    NORMAL = 2, _("Normal")
    HIGH = 3, _("High")
    URGENT = 4, _("Urgent")


class TicketType(models.TextChoices):
    QUESTION = "question", _("Question")
    INCIDENT = "incident", _("Incident")
    PROBLEM = "problem", _("Problem")
    TASK = "task", _("Task")


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    WEB = "web", _("Web form")
    PORTAL = "portal", _("Portal")
    CHAT = "chat", _("Live chat")
    PHONE = "phone", _("Phone")
    SOCIAL = "social", _("Social")
    API = "api", _("API")
    AGENT = "agent", _("Created by an agent")


class EventType(models.TextChoices):
    CREATED = "created", _("Created")
    STATUS = "status", _("Status changed")
    PRIORITY = "priority", _("Priority changed")
    TYPE = "type", _("Type changed")
    CATEGORY = "category", _("Category changed")
    SUBJECT = "subject", _("Subject changed")
    TAGS = "tags", _("Tags changed")
    FIELD = "field", _("Field changed")
    ASSIGNED = "assigned", _("Assigned")
    TEAM = "team", _("Team changed")
    ESCALATED = "escalated", _("Escalated")
    DEESCALATED = "deescalated", _("De-escalated")
    REPLY = "reply", _("Public reply")
    NOTE = "note", _("Internal note")
    MERGED = "merged", _("Merged into another ticket")
    MERGED_FROM = "merged_from", _("Another ticket merged in")
    LINKED = "linked", _("Linked")
    FOLLOWER = "follower", _("Follower added")
    INVITED = "invited", _("Collaborator invited")
    REQUESTER = "requester", _("Requester changed")
    CALL = "call", _("Call logged")
    CALL_MISSED = "call_missed", _("Missed call")
    CHAT_STARTED = "chat_started", _("Chat started")
    CHAT_ACCEPTED = "chat_accepted", _("Chat accepted")
    CHAT_ENDED = "chat_ended", _("Chat ended")
    CHAT_ABANDONED = "chat_abandoned", _("Chat abandoned")


class LinkKind(models.TextChoices):
    RELATED = "related", _("Related")
    PROBLEM = "problem", _("Caused by problem")
    DUPLICATE = "duplicate", _("Duplicate")
