from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig


class AdminConfig(DjangoAdminConfig):
    """Django's admin, with the site that opens to operator admins (see admin_site.py)."""

    default_site = "maillage.core.admin_site.MaillageAdminSite"
