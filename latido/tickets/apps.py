from django.apps import AppConfig


class TicketsConfig(AppConfig):
    name = "latido.tickets"
    label = "tickets"
