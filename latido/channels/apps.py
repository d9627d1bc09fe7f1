from django.apps import AppConfig


class ChannelsConfig(AppConfig):
    name = "latido.channels"
    label = "latido_channels"  # "channels" is taken by Django Channels
