from django.apps import AppConfig


class RoutingConfig(AppConfig):
    name = "latido.routing"
    label = "routing"
