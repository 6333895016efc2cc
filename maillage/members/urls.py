"""URLs of the members app, gathered from each area's view module."""

from maillage.members.views import accounts, directory, imports, profiles

urlpatterns = [
    *accounts.urlpatterns,
    *profiles.urlpatterns,
    *directory.urlpatterns,
    *imports.urlpatterns,
]
