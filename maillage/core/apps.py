from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "maillage.core"
    label = "core"
    verbose_name = _("Operators and spaces")

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from maillage.core import collation

        connection_created.connect(tune_planner, dispatch_uid="maillage-tune-planner")
        connection_created.connect(collation.register, dispatch_uid="maillage-collation")


def tune_planner(sender, connection, **kwargs) -> None:
    """Tell PostgreSQL, once per new connection, that random reads are cheap (SSD, data in
    memory): `random_page_cost` from settings.DATABASE_RANDOM_PAGE_COST (1.1; None leaves the
    server's own).

    With the default (4, meant for spinning disks) the planner hashes whole tables where
    following indexes from a few rows is much cheaper, and a page's cost then grows with the
    community: browsing the directory at 100,000 members took 45 ms with a parallel scan of
    every profile, 7 ms along the index (docs/benchmarks.md). Production servers on SSDs
    usually set 1.1 for the whole instance; then this changes nothing."""
    from django.conf import settings

    cost = getattr(settings, "DATABASE_RANDOM_PAGE_COST", None)
    if connection.vendor != "postgresql" or cost is None:
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('random_page_cost', %s, false)", [str(float(cost))])
