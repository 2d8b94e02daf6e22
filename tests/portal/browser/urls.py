"""The project's URLs, plus the portal's customer label downloads when the project does not include them yet."""

from django.urls import include, path

from returns_portal.urls import urlpatterns as project_urlpatterns


def _has(name: str) -> bool:
    stack = list(project_urlpatterns)
    while stack:
        entry = stack.pop()
        if getattr(entry, "name", None) == name:
            return True
        stack.extend(getattr(entry, "url_patterns", []))
    return False


urlpatterns = list(project_urlpatterns)
if not _has("customer-label-pdf"):
    try:
        urlpatterns.insert(0, path("", include("rma.portal.label_urls")))
    except ImportError:  # no customer downloads yet: the portal shows "being prepared"
        pass
