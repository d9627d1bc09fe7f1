from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "latido.portal"
    label = "portal"
