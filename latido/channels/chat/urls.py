from django.urls import path

from latido.channels.chat import views

app_name = "chat"

urlpatterns = [
    path("", views.console_page, name="console"),
    path("widget/<str:key>/config", views.widget_config, name="widget_config"),
]
