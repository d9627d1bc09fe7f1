"""Roles are named permission sets; code checks permissions, never role names."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CUSTOMER = "customer", _("Customer")
    TIER1 = "tier1", _("Tier 1 agent")
    TIER2 = "tier2", _("Tier 2 specialist")
    ENGINEER = "engineer", _("Technical support engineer")
    LEAD = "lead", _("Team lead")
    MANAGER = "manager", _("Support manager")
    COORDINATOR = "coordinator", _("Coordinator")
    ADMIN = "admin", _("Administrator")
    COLLABORATOR = "collaborator", _("Collaborator (other department)")


class Perm(models.TextChoices):
    PORTAL = "portal.use", _("Use the customer portal")
    TICKET_WORK = "ticket.work", _("Work tickets as an agent")
    TICKET_REPLY = "ticket.reply", _("Send public replies")
    TICKET_NOTE = "ticket.note", _("Write internal notes")
    TICKET_UPDATE = "ticket.update", _("Change status, priority and fields")
    TICKET_ASSIGN = "ticket.assign", _("Assign tickets")
    TICKET_ESCALATE = "ticket.escalate", _("Escalate and de-escalate tickets")
    TICKET_CREATE = "ticket.create", _("Create tickets for customers")
    TICKET_LINK = "ticket.link", _("Link and merge tickets")
    TICKET_INVITE = "ticket.invite", _("Invite collaborators to a ticket")
    SEE_ALL = "ticket.see_all", _("See every ticket")
    SEE_LED_TEAMS = "ticket.see_led_teams", _("See the tickets of teams one leads or manages")
    CONTACT_VIEW = "contact.view", _("See customer records")
    CONTACT_EDIT = "contact.edit", _("Edit customer records")
    TEAM_VIEW = "team.view", _("See teams and queues")
    ADMIN = "system.admin", _("Configure the system")


_AGENT = {
    Perm.TICKET_WORK, Perm.TICKET_REPLY, Perm.TICKET_NOTE, Perm.TICKET_UPDATE,
    Perm.TICKET_ASSIGN, Perm.TICKET_ESCALATE, Perm.TICKET_CREATE, Perm.TICKET_LINK,
    Perm.TICKET_INVITE, Perm.CONTACT_VIEW, Perm.CONTACT_EDIT, Perm.TEAM_VIEW,
}

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.CUSTOMER: frozenset({Perm.PORTAL}),
    Role.TIER1: frozenset(_AGENT),
    Role.TIER2: frozenset(_AGENT),
    Role.ENGINEER: frozenset(_AGENT),
    Role.LEAD: frozenset(_AGENT | {Perm.SEE_LED_TEAMS}),
    Role.MANAGER: frozenset(_AGENT | {Perm.SEE_LED_TEAMS}),
    Role.COORDINATOR: frozenset(_AGENT | {Perm.SEE_ALL}),
    Role.ADMIN: frozenset(_AGENT | {Perm.SEE_ALL, Perm.ADMIN}),
    Role.COLLABORATOR: frozenset({Perm.TICKET_NOTE}),
}

# Roles whose public messages count as human agent replies (KPIS.md G5).
AGENT_REPLY_ROLES = frozenset({Role.TIER1, Role.TIER2, Role.ENGINEER, Role.LEAD})
STAFF_ROLES = frozenset(r for r in Role if r not in (Role.CUSTOMER, Role.COLLABORATOR))


class Tier(models.IntegerChoices):
    TIER1 = 1, _("Tier 1")
    TIER2 = 2, _("Tier 2")
    ENGINEERING = 3, _("Engineering")


# The tier an agent of a role works at, for queues and default assignment.
ROLE_TIER = {Role.TIER1: Tier.TIER1, Role.TIER2: Tier.TIER2, Role.ENGINEER: Tier.ENGINEERING}
