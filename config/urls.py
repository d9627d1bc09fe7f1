from django.contrib import admin
from django.urls import include, path

from latido.api.urls import urlpatterns as api_urls

urlpatterns = [
    path("", include("latido.accounts.urls")),
    path("agent/", include("latido.tickets.urls")),
    path("portal/", include("latido.portal.urls")),
    path("chat/", include("latido.channels.chat.urls")),
    path("phone/", include("latido.channels.phone.urls")),
    path("social/", include("latido.channels.social.urls")),
    path("forms/", include("latido.channels.webform.urls")),
    path("demo/", include("latido.demo.urls")),
    path("email/", include("latido.channels.email.urls")),
    path("api/v1/", include(api_urls)),
    path("django-admin/", admin.site.urls),
]
