from django.apps import AppConfig


class ChatConfig(AppConfig):
    name = "latido.channels.chat"
    label = "latido_chat"
