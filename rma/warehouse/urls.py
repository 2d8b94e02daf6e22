from django.contrib.auth.views import LogoutView
from django.urls import path
from django.views.i18n import set_language

from rma.warehouse import views

app_name = "warehouse"

urlpatterns = [
    path("", views.board, name="board"),
    path("login/", views.WarehouseLoginView.as_view(), name="login"),
    path("logout/", LogoutView.as_view(next_page="warehouse:login"), name="logout"),
    path("language/", set_language, name="language"),
    path("scan/", views.scan, name="scan"),
    path("switch/", views.switch_warehouse, name="switch"),
    path("returns/<uuid:public_id>/", views.return_detail, name="return"),
    path("returns/<uuid:public_id>/lines/<int:line_id>/units/<int:unit>/", views.unit_inspect, name="unit-inspect"),
    path(
        "returns/<uuid:public_id>/lines/<int:line_id>/units/<int:unit>/disposition/",
        views.unit_disposition,
        name="unit-disposition",
    ),
    path("returns/<uuid:public_id>/refund/", views.refund_release_view, name="refund-release"),
    path("unexpected/<int:pk>/", views.unexpected_parcel, name="unexpected"),
    path("reports/destroyed/", views.destroyed_report, name="destroyed-report"),
]
