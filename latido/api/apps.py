from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "latido.api"
    label = "api"
