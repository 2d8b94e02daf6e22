"""Shop pages: include with ``path("store/", include("rma.store.urls"))`` before the portal's catch-all."""

from django.urls import path

from rma.store.views import shipments as views

app_name = "store"

urlpatterns = [
    path("", views.counter, name="counter"),
    *views.STORE_PAGES.account_urls(login_template="store/login.html"),
    path("switch/", views.switch_store, name="switch"),
    path("scan/", views.scan, name="scan"),
    path("returns/<uuid:public_id>/", views.return_check, name="return"),
    path("returns/<uuid:public_id>/receipt-<str:size>.pdf", views.receipt, name="receipt"),
    path("orders/find/", views.order_find, name="order-find"),
    path("orders/<str:token>/", views.order_detail, name="order"),
    path("shipments/", views.shipments, name="shipments"),
    path("shipments/open/", views.shipment_open_view, name="shipment-open"),
    path("shipments/<uuid:public_id>/", views.shipment_detail, name="shipment"),
    path("shipments/<uuid:public_id>/scan/", views.shipment_scan, name="shipment-scan"),
    path("shipments/<uuid:public_id>/items/", views.shipment_loose_add, name="shipment-loose"),
    path(
        "shipments/<uuid:public_id>/items/<int:item_id>/remove/",
        views.shipment_item_remove_view,
        name="shipment-item-remove",
    ),
    path("shipments/<uuid:public_id>/cartons/", views.carton_add_view, name="carton-add"),
    path("shipments/<uuid:public_id>/cartons/<int:position>/weight/", views.carton_weight_view, name="carton-weight"),
    path("shipments/<uuid:public_id>/cartons/<int:position>/remove/", views.carton_remove_view, name="carton-remove"),
    path(
        "shipments/<uuid:public_id>/cartons/<int:position>/barcode.pdf",
        views.carton_barcode_file,
        name="carton-barcode",
    ),
    path(
        "shipments/<uuid:public_id>/cartons/<int:position>/label.<str:extension>",
        views.carton_label_file,
        name="carton-label",
    ),
    path("shipments/<uuid:public_id>/warehouse/", views.shipment_warehouse_view, name="shipment-warehouse"),
    path("shipments/<uuid:public_id>/close/", views.shipment_close_view, name="shipment-close"),
    path("shipments/<uuid:public_id>/dispatch/", views.shipment_dispatch_view, name="shipment-dispatch"),
    path("shipments/<uuid:public_id>/manifest.<str:extension>", views.manifest_file, name="manifest"),
]
