from django.urls import path

from latido.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("new/", views.new_request, name="new"),
    path("requests/<str:ref>/", views.ticket_page, name="ticket"),
    path("requests/<str:ref>/reply/", views.ticket_reply_view, name="reply"),
    path("attachments/<str:token>/", views.attachment_download, name="attachment"),
]
