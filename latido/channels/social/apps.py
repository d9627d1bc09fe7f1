from django.apps import AppConfig


class SocialConfig(AppConfig):
    name = "latido.channels.social"
    label = "latido_social"
