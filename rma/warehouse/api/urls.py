from django.urls import path

from rma.warehouse.api import shipments as apis

urlpatterns = [
    path("scan/", apis.WarehouseScanApi.as_view(), name="api-warehouse-scan"),
    path("expected/", apis.WarehouseExpectedListApi.as_view(), name="api-warehouse-expected"),
    path("awaiting-refund/", apis.WarehouseAwaitingRefundListApi.as_view(), name="api-warehouse-awaiting-refund"),
    path("returns/<uuid:public_id>/", apis.WarehouseReturnDetailApi.as_view(), name="api-warehouse-return"),
    path(
        "returns/<uuid:public_id>/units/inspect/",
        apis.WarehouseUnitInspectApi.as_view(),
        name="api-warehouse-unit-inspect",
    ),
    path(
        "returns/<uuid:public_id>/units/disposition/",
        apis.WarehouseUnitDispositionConfirmApi.as_view(),
        name="api-warehouse-unit-disposition",
    ),
    path(
        "returns/<uuid:public_id>/refund/release/",
        apis.WarehouseRefundReleaseApi.as_view(),
        name="api-warehouse-refund-release",
    ),
    path("unexpected-parcels/", apis.WarehouseUnexpectedParcelListApi.as_view(), name="api-warehouse-unexpected"),
    path(
        "unexpected-parcels/<int:pk>/match/",
        apis.WarehouseUnexpectedParcelMatchApi.as_view(),
        name="api-warehouse-unexpected-match",
    ),
    path(
        "shipments/expected/",
        apis.WarehouseShipmentExpectedListApi.as_view(),
        name="api-warehouse-shipments-expected",
    ),
    path("shipments/<uuid:public_id>/", apis.WarehouseShipmentDetailApi.as_view(), name="api-warehouse-shipment"),
    path(
        "shipments/<uuid:public_id>/finish/",
        apis.WarehouseShipmentReceivingFinishApi.as_view(),
        name="api-warehouse-shipment-finish",
    ),
    path(
        "shipments/<uuid:public_id>/cartons/<int:position>/receive/",
        apis.WarehouseCartonReceiveApi.as_view(),
        name="api-warehouse-carton-receive",
    ),
    path(
        "shipments/<uuid:public_id>/cartons/<int:position>/count/",
        apis.WarehouseCartonCountApi.as_view(),
        name="api-warehouse-carton-count",
    ),
    path(
        "shipments/<uuid:public_id>/cartons/<int:position>/counts/<int:entry_id>/remove/",
        apis.WarehouseCartonCountRemoveApi.as_view(),
        name="api-warehouse-carton-count-remove",
    ),
    path(
        "shipments/<uuid:public_id>/cartons/<int:position>/finish/",
        apis.WarehouseCartonCountFinishApi.as_view(),
        name="api-warehouse-carton-finish",
    ),
    path(
        "reports/discrepancies/",
        apis.WarehouseDiscrepancyReportApi.as_view(),
        name="api-warehouse-discrepancy-report",
    ),
    path(
        "reports/destroyed/",
        apis.WarehouseDestroyedUnitsReportApi.as_view(),
        name="api-warehouse-destroyed-report",
    ),
]
