"""Customer service's pages: include with ``path("agents/", include("rma.agents.urls"))``."""

from django.contrib.auth.views import LogoutView
from django.urls import path
from django.views.i18n import set_language

from rma.agents import views
from rma.core.views import SiteLoginView

app_name = "agents"

urlpatterns = [
    path("", views.queue, name="queue"),
    path(
        "login/",
        SiteLoginView.as_view(template_name="agents/login.html", home_url="agents:queue"),
        name="login",
    ),
    path("logout/", LogoutView.as_view(next_page="agents:login"), name="logout"),
    path("language/", set_language, name="language"),
    path("returns/<uuid:public_id>/", views.return_detail, name="return"),
    path("returns/<uuid:public_id>/approve/", views.return_approve, name="approve"),
    path("returns/<uuid:public_id>/reject/", views.return_reject, name="reject"),
    path("returns/<uuid:public_id>/notes/", views.note_add, name="note-add"),
    path("returns/<uuid:public_id>/tracking-alert/clear/", views.tracking_alert_clear, name="tracking-alert-clear"),
]
