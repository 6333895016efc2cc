from django.urls import path

from maillage.matching import views

urlpatterns = [
    path("meet/", views.people, name="matching_people"),
    path("meet/preferences/", views.preferences, name="matching_preferences"),
    path("meet/<int:member_id>/not-now/", views.dismiss, name="matching_dismiss"),
    path("meet/<int:member_id>/why/", views.why, name="matching_why"),
    path("meet/<int:member_id>/introduce/", views.introduce, name="matching_introduce"),
    path("meet/roulette/", views.roulette_page, name="matching_roulette"),
    path(
        "meet/roulette/<int:seat_id>/answer/",
        views.roulette_answer,
        name="matching_roulette_answer",
    ),
    path("meet/teams/", views.projects, name="matching_projects"),
    path("meet/teams/new/", views.project_new, name="matching_project_new"),
    path("meet/teams/<int:project_id>/", views.project_detail, name="matching_project"),
    path("meet/teams/seats/<int:seat_id>/answer/", views.team_answer, name="matching_team_answer"),
    path("staff/roulette/", views.staff_roulette, name="staff_roulette"),
]
