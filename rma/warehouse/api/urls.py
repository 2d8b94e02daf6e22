"""Warehouse API routes, under /api/v1/warehouse/."""

from django.urls import path

from rma.warehouse.api import boards, parcels, reports, returns, scan, shipments

urlpatterns = [
    path("scan/", scan.WarehouseScanApi.as_view(), name="api-warehouse-scan"),
    path("expected/", boards.WarehouseExpectedListApi.as_view(), name="api-warehouse-expected"),
    path("awaiting-refund/", boards.WarehouseAwaitingRefundListApi.as_view(), name="api-warehouse-awaiting-refund"),
    path("returns/<uuid:public_id>/", returns.WarehouseReturnDetailApi.as_view(), name="api-warehouse-return"),
    path(
        "returns/<uuid:public_id>/units/inspect/",
        returns.WarehouseUnitInspectApi.as_view(),
        name="api-warehouse-unit-inspect",
    ),
    path(
        "returns/<uuid:public_id>/units/disposition/",
        returns.WarehouseUnitDispositionConfirmApi.as_view(),
        name="api-warehouse-unit-disposition",
    ),
    path(
        "returns/<uuid:public_id>/refund/release/",
        returns.WarehouseRefundReleaseApi.as_view(),
        name="api-warehouse-refund-release",
    ),
    path("unexpected-parcels/", parcels.WarehouseUnexpectedParcelListApi.as_view(), name="api-warehouse-unexpected"),
    path(
        "unexpected-parcels/<int:pk>/match/",
        parcels.WarehouseUnexpectedParcelMatchApi.as_view(),
        name="api-warehouse-unexpected-match",
    ),
    path(
        "shipments/expected/",
        shipments.WarehouseShipmentExpectedListApi.as_view(),
        name="api-warehouse-shipments-expected",
    ),
    path("shipments/<uuid:public_id>/", shipments.WarehouseShipmentDetailApi.as_view(), name="api-warehouse-shipment"),
    path(
        "shipments/<uuid:public_id>/finish/",
        shipments.WarehouseShipmentReceivingFinishApi.as_view(),
        name="api-warehouse-shipment-finish",
    ),
    path(
        "shipments/<uuid:public_id>/cartons/<int:position>/receive/",
        shipments.WarehouseCartonReceiveApi.as_view(),
        name="api-warehouse-carton-receive",
    ),
    path(
        "shipments/<uuid:public_id>/cartons/<int:position>/count/",
        shipments.WarehouseCartonCountApi.as_view(),
        name="api-warehouse-carton-count",
    ),
    path(
        "shipments/<uuid:public_id>/cartons/<int:position>/counts/<int:entry_id>/remove/",
        shipments.WarehouseCartonCountRemoveApi.as_view(),
        name="api-warehouse-carton-count-remove",
    ),
    path(
        "shipments/<uuid:public_id>/cartons/<int:position>/finish/",
        shipments.WarehouseCartonCountFinishApi.as_view(),
        name="api-warehouse-carton-finish",
    ),
    path(
        "reports/discrepancies/",
        reports.WarehouseDiscrepancyReportApi.as_view(),
        name="api-warehouse-discrepancy-report",
    ),
    path(
        "reports/destroyed/",
        reports.WarehouseDestroyedUnitsReportApi.as_view(),
        name="api-warehouse-destroyed-report",
    ),
]
