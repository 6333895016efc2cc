"""Exchange pages: members' asks, introductions and opportunities; the public lead form;
the staff's opportunities and audit."""

from django.urls import path

from maillage.exchange import views

urlpatterns = [
    path("exchange/", views.exchange_home, name="exchange_home"),
    path("exchange/asks/new/", views.ask_new, name="exchange_ask_new"),
    path("exchange/asks/<int:ask_id>/", views.ask_detail, name="exchange_ask"),
    path("exchange/asks/<int:ask_id>/<str:action>/", views.ask_action, name="exchange_ask_action"),
    path("exchange/outcomes/new/", views.outcome_new, name="exchange_outcome_new"),
    path("exchange/thanks/new/", views.thanks_new, name="exchange_thanks_new"),
    path("me/exchange/preferences/", views.preferences, name="exchange_preferences"),
    path("me/introductions/", views.introduction_list, name="exchange_introductions"),
    path("me/introductions/new/", views.introduction_new, name="exchange_introduction_new"),
    path(
        "me/introductions/<int:introduction_id>/",
        views.introduction_detail,
        name="exchange_introduction",
    ),
    path("me/opportunities/<int:offer_id>/", views.offer_detail, name="exchange_offer"),
    path("spaces/<slug:slug>/lead/", views.public_lead, name="exchange_public_lead"),
    path("staff/opportunities/", views.staff_opportunities, name="exchange_staff_opportunities"),
    path(
        "staff/opportunities/new/",
        views.staff_opportunity_new,
        name="exchange_staff_opportunity_new",
    ),
    path("staff/opportunities/audit/", views.staff_audit, name="exchange_staff_audit"),
    path(
        "staff/opportunities/<int:opportunity_id>/",
        views.staff_opportunity,
        name="exchange_staff_opportunity",
    ),
    path(
        "staff/introductions/new/",
        views.staff_introduction_new,
        name="exchange_staff_introduction_new",
    ),
    path(
        "staff/exchange/members/<int:member_id>/pause/",
        views.staff_pause,
        name="exchange_staff_pause",
    ),
]
