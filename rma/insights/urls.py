"""The reports: include with ``path("insights/", include("rma.insights.urls"))``."""

from django.urls import path
from django.views.i18n import set_language

from rma.insights import analytics_views, disposition_views, views

app_name = "insights"

urlpatterns = [
    path("analytics/<slug:sheet>/", analytics_views.analytics, name="analytics"),
    path("footprint/", views.footprint, name="footprint"),
    path("dispositions/", disposition_views.dispositions, name="dispositions"),
    path("language/", set_language, name="language"),
]
