"""insights pages."""

from django.urls import path

from maillage.insights import views

urlpatterns = [
    path("staff/insights/", views.insights_dashboard, name="insights_dashboard"),
    path(
        "staff/insights/segments/<slug:segment>/",
        views.insights_segment,
        name="insights_segment",
    ),
]
