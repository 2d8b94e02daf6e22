from django.urls import path

from rma.warehouse.views import board, board_lists, common, parcels, photos, reports, returns, shipments

app_name = "warehouse"

urlpatterns = [
    path("", board.board, name="board"),
    *common.WAREHOUSE_PAGES.account_urls(login_template="warehouse/login.html"),
    path("scan/", board.scan, name="scan"),
    path("switch/", board.switch_warehouse, name="switch"),
    path("lists/<slug:name>/", board_lists.board_list, name="board-list"),
    path("returns/<uuid:public_id>/", returns.return_detail, name="return"),
    path("returns/<uuid:public_id>/lines/<int:line_id>/units/<int:unit>/", returns.unit_inspect, name="unit-inspect"),
    path(
        "returns/<uuid:public_id>/lines/<int:line_id>/units/<int:unit>/disposition/",
        returns.unit_disposition,
        name="unit-disposition",
    ),
    path(
        "returns/<uuid:public_id>/inspection-photos/<int:photo_id>",
        photos.inspection_photo_view,
        name="inspection-photo",
    ),
    path("returns/<uuid:public_id>/refund/", returns.refund_release_view, name="refund-release"),
    path("returns/<uuid:public_id>/notes/", returns.return_note_add_view, name="return-note-add"),
    path("unexpected/<int:pk>/", parcels.unexpected_parcel, name="unexpected"),
    path("shipments/<uuid:public_id>/", shipments.shipment_detail, name="shipment"),
    path("shipments/<uuid:public_id>/finish/", shipments.shipment_finish_view, name="shipment-finish"),
    path("shipments/<uuid:public_id>/cartons/<int:position>/", shipments.carton_detail, name="carton"),
    path(
        "shipments/<uuid:public_id>/cartons/<int:position>/receive/",
        shipments.carton_receive_view,
        name="carton-receive",
    ),
    path(
        "shipments/<uuid:public_id>/cartons/<int:position>/finish/", shipments.carton_finish_view, name="carton-finish"
    ),
    path(
        "shipments/<uuid:public_id>/cartons/<int:position>/counts/<int:entry_id>/remove/",
        shipments.carton_count_remove_view,
        name="carton-count-remove",
    ),
    path("reports/destroyed/", reports.destroyed_report, name="destroyed-report"),
    path("reports/discrepancies/", reports.discrepancies_report, name="discrepancies-report"),
]
