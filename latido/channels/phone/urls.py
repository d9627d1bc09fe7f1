from django.urls import path

from latido.channels.phone import views

app_name = "phone"

urlpatterns = [
    path("new/", views.new_ticket, name="new"),
    path("tickets/<str:ref>/call/", views.log_call, name="log"),
    path("tickets/<str:ref>/calls/<int:call_id>/link/", views.link_call, name="link"),
    path("pop/", views.screen_pop, name="pop"),
    path("pop/<int:call_id>/dismiss/", views.screen_pop_dismiss, name="pop_dismiss"),
]
