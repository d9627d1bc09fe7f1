from django.urls import path

from latido.tickets import views

app_name = "tickets"

urlpatterns = [
    path("", views.queue_page, name="queue"),
    path("unassigned/", views.queue_page, {"kind": "unassigned"}, name="unassigned"),
    path("queues/<int:queue_id>/", views.queue_page, {"kind": "queue"}, name="queue_detail"),
    path("tickets/<str:ref>/", views.ticket_page, name="ticket"),
    path("tickets/<str:ref>/reply/", views.ticket_reply_view, name="reply"),
    path("tickets/<str:ref>/note/", views.ticket_note_view, name="note"),
    path("tickets/<str:ref>/update/", views.ticket_update_view, name="update"),
    path("tickets/<str:ref>/assign/", views.ticket_assign_view, name="assign"),
    path("tickets/<str:ref>/escalate/", views.ticket_escalate_view, name="escalate"),
    path("tickets/<str:ref>/deescalate/", views.ticket_deescalate_view, name="deescalate"),
    path("attachments/<str:token>/", views.attachment_download, name="attachment"),
    path("contacts/", views.contacts_page, name="contacts"),
    path("contacts/<int:contact_id>/", views.contact_page, name="contact"),
    path("contacts/<int:contact_id>/identities/", views.contact_identity_add_view,
         name="contact_identity_add"),
    path("contacts/<int:contact_id>/identities/<int:identity_id>/remove/",
         views.contact_identity_remove_view, name="contact_identity_remove"),
    path("contacts/<int:contact_id>/merge/", views.contact_merge_view, name="contact_merge"),
]
