from django.urls import path

from latido.demo import views

app_name = "demo"

urlpatterns = [
    path("site/", views.demo_site, name="site"),
]
