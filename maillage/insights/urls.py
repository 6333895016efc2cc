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
    path(
        "staff/insights/segments/<slug:segment>/invite/",
        views.insights_invite,
        name="insights_invite",
    ),
    path(
        "staff/insights/segments/<slug:segment>/invite/roulette/",
        views.insights_invite_roulette,
        name="insights_invite_roulette",
    ),
    path("staff/insights/report/", views.insights_report, name="insights_report"),
    path("staff/insights/report.pdf", views.insights_report_pdf, name="insights_report_pdf"),
    path("staff/insights/values.<str:fmt>", views.insights_export, name="insights_export"),
    path("staff/insights/public/", views.insights_publish, name="insights_publish"),
    path("staff/insights/offer/", views.insights_offer, name="insights_offer"),
    path("transparency/<slug:slug>/", views.transparency, name="insights_transparency"),
    path("me/engagement/", views.my_engagement, name="my_engagement"),
]
