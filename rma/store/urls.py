"""Shop pages: include with ``path("store/", include("rma.store.urls"))`` before the portal's catch-all."""

from django.urls import path

from rma.store.views import common, counter, files, receipts, shipments

app_name = "store"

urlpatterns = [
    path("", counter.counter, name="counter"),
    *common.STORE_PAGES.account_urls(login_template="store/login.html"),
    path("switch/", common.switch_store, name="switch"),
    path("scan/", counter.scan, name="scan"),
    path("returns/<uuid:public_id>/", counter.return_check, name="return"),
    path("returns/<uuid:public_id>/receipt-<str:size>.pdf", receipts.receipt, name="receipt"),
    path("orders/find/", counter.order_find, name="order-find"),
    path("orders/<str:token>/", counter.order_detail, name="order"),
    path("shipments/", shipments.shipments, name="shipments"),
    path("shipments/open/", shipments.shipment_open_view, name="shipment-open"),
    path("shipments/<uuid:public_id>/", shipments.shipment_detail, name="shipment"),
    path("shipments/<uuid:public_id>/scan/", shipments.shipment_scan, name="shipment-scan"),
    path("shipments/<uuid:public_id>/items/", shipments.shipment_loose_add, name="shipment-loose"),
    path(
        "shipments/<uuid:public_id>/items/<int:item_id>/remove/",
        shipments.shipment_item_remove_view,
        name="shipment-item-remove",
    ),
    path("shipments/<uuid:public_id>/cartons/", shipments.carton_add_view, name="carton-add"),
    path(
        "shipments/<uuid:public_id>/cartons/<int:position>/weight/", shipments.carton_weight_view, name="carton-weight"
    ),
    path(
        "shipments/<uuid:public_id>/cartons/<int:position>/remove/", shipments.carton_remove_view, name="carton-remove"
    ),
    path(
        "shipments/<uuid:public_id>/cartons/<int:position>/barcode.pdf",
        files.carton_barcode_file,
        name="carton-barcode",
    ),
    path(
        "shipments/<uuid:public_id>/cartons/<int:position>/label.<str:extension>",
        files.carton_label_file,
        name="carton-label",
    ),
    path("shipments/<uuid:public_id>/warehouse/", shipments.shipment_warehouse_view, name="shipment-warehouse"),
    path("shipments/<uuid:public_id>/close/", shipments.shipment_close_view, name="shipment-close"),
    path("shipments/<uuid:public_id>/dispatch/", shipments.shipment_dispatch_view, name="shipment-dispatch"),
    path("shipments/<uuid:public_id>/manifest.<str:extension>", files.manifest_file, name="manifest"),
]
