from django.urls import path

from latido.channels.email import views

app_name = "email"

urlpatterns = [
    path("tickets/<str:ref>/cc/", views.ticket_cc_view, name="ticket_cc"),
]
