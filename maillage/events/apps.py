from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


def _event_changed(sender, **kwargs) -> None:
    from maillage.events.selectors import pool_touch

    pool_touch()


class EventsConfig(AppConfig):
    name = "maillage.events"
    label = "events"
    verbose_name = _("Community events")

    def ready(self) -> None:
        # Any saved or deleted event renews the cached candidates of "events for you"
        # (`maillage.events.selectors.pool_touch`); bulk loads call it themselves.
        from maillage.events.models import Event

        post_save.connect(_event_changed, sender=Event, dispatch_uid="events-pool-touch")
        post_delete.connect(_event_changed, sender=Event, dispatch_uid="events-pool-touch-del")
