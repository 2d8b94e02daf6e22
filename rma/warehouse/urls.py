from django.urls import path

from rma.warehouse.views import returns as views

app_name = "warehouse"

urlpatterns = [
    path("", views.board, name="board"),
    *views.WAREHOUSE_PAGES.account_urls(login_template="warehouse/login.html"),
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
    path("shipments/<uuid:public_id>/", views.shipment_detail, name="shipment"),
    path("shipments/<uuid:public_id>/finish/", views.shipment_finish_view, name="shipment-finish"),
    path("shipments/<uuid:public_id>/cartons/<int:position>/", views.carton_detail, name="carton"),
    path(
        "shipments/<uuid:public_id>/cartons/<int:position>/receive/", views.carton_receive_view, name="carton-receive"
    ),
    path("shipments/<uuid:public_id>/cartons/<int:position>/finish/", views.carton_finish_view, name="carton-finish"),
    path(
        "shipments/<uuid:public_id>/cartons/<int:position>/counts/<int:entry_id>/remove/",
        views.carton_count_remove_view,
        name="carton-count-remove",
    ),
    path("reports/destroyed/", views.destroyed_report, name="destroyed-report"),
    path("reports/discrepancies/", views.discrepancies_report, name="discrepancies-report"),
]
