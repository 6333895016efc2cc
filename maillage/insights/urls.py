"""insights pages."""

urlpatterns: list = []
