from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "latido.accounts"
    label = "accounts"
