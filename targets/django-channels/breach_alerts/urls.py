"""HTTP routes."""

from django.urls import path

from . import views

urlpatterns = [
    path("publish", views.publish),
    path("healthz", views.healthz),
]

handler404 = views.not_found
