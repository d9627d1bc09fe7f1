from django.apps import AppConfig


class PhoneConfig(AppConfig):
    name = "latido.channels.phone"
    label = "latido_phone"
