from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from maillage.core import views as core

handler403 = "maillage.core.views.error_403"
handler404 = "maillage.core.views.error_404"
handler500 = "maillage.core.views.error_500"

urlpatterns = [
    path("", core.home, name="home"),
    path("health/", core.health, name="health"),
    path("favicon.ico", core.favicon),
    path("home/people/", core.home_people, name="home_people"),
    path("community/switch/", core.switch_operator, name="switch_operator"),
    path("staff/", core.staff_home, name="staff_home"),
    path("staff/members/", core.staff_members, name="staff_members"),
    path("staff/members/<int:member_id>/", core.staff_member_detail, name="staff_member_detail"),
    path(
        "staff/members/<int:member_id>/leave/", core.staff_member_leave, name="staff_member_leave"
    ),
    path(
        "staff/members/<int:member_id>/notes/<int:note_id>/delete/",
        core.staff_member_note_delete,
        name="staff_member_note_delete",
    ),
    path("staff/spaces/", core.staff_spaces, name="staff_spaces"),
    path("staff/spaces/<int:space_id>/", core.staff_space_edit, name="staff_space_edit"),
    path("spaces/<slug:slug>/", core.space_public, name="space_public"),
    path("", include("maillage.members.urls")),
    path("", include("maillage.workspace.urls")),
    path("", include("maillage.events.urls")),
    path("", include("maillage.exchange.urls")),
    path("", include("maillage.matching.urls")),
    path("", include("maillage.insights.urls")),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
