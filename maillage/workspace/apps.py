from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkspaceConfig(AppConfig):
    name = "maillage.workspace"
    label = "workspace"
    verbose_name = _("Workspace: resources, plans, bookings, check-ins")
