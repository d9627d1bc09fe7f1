from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "latido.customers"
    label = "customers"
