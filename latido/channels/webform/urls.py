from django.urls import path

from latido.channels.webform import views

app_name = "webform"

urlpatterns = [
    path("<str:key>/", views.page, name="page"),
    path("<str:key>/config", views.config, name="config"),
    path("<str:key>/submit", views.submit, name="submit"),
]
