from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "latido.core"
    label = "core"
