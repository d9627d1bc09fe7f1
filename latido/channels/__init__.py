"""Channels: every way a customer writes in (email, web, chat, phone, social)."""
