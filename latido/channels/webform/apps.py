from django.apps import AppConfig


class WebformConfig(AppConfig):
    name = "latido.channels.webform"
    label = "latido_webform"
