from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "latido.demo"
    label = "demo"
    verbose_name = "Demo data"
