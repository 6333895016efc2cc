from __future__ import annotations

from django.utils import translation
from django.utils.functional import SimpleLazyObject

from maillage.core.access import viewer_for_user

CURRENT_OPERATOR_SESSION_KEY = "maillage_operator_id"


class UserLanguageMiddleware:
    """Attach the viewer to the request and use the language the person chose."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.viewer = SimpleLazyObject(
            lambda: viewer_for_user(
                request.user, operator_id=request.session.get(CURRENT_OPERATOR_SESSION_KEY)
            )
        )
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", translation.get_language())
        return response
