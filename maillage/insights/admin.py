from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from maillage.core.admin_site import OperatorScopedAdmin, admin_operator_ids
from maillage.insights.engagement import DEFAULT_CONFIG, ConfigError
from maillage.insights.models import EngagementSettings


class EngagementSettingsForm(forms.ModelForm):
    class Meta:
        model = EngagementSettings
        fields = ["operator", "overrides"]
        help_texts = {
            "overrides": _(
                'Only what differs from the defaults of docs/indicators.md, e.g. {"weights": '
                '{"attended": 4}, "coworker_min_actions": 2}.'
            )
        }

    def clean_overrides(self):
        overrides = self.cleaned_data["overrides"] or {}
        if not isinstance(overrides, dict):
            raise forms.ValidationError(_("Write the changes as a JSON object."))
        try:
            DEFAULT_CONFIG.with_overrides(overrides)
        except (ConfigError, TypeError, ValueError) as exc:
            raise forms.ValidationError(str(exc)) from None
        return overrides


@admin.register(EngagementSettings)
class EngagementSettingsAdmin(OperatorScopedAdmin):
    form = EngagementSettingsForm
    list_display = ["operator", "updated_at"]

    def has_add_permission(self, request):
        # An operator admin sets up their own operator's settings (the operator field only
        # offers theirs).
        return request.user.is_superuser or bool(admin_operator_ids(request.user))
