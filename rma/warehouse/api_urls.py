from django.urls import path

from rma.warehouse import apis

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
        "reports/destroyed/",
        apis.WarehouseDestroyedUnitsReportApi.as_view(),
        name="api-warehouse-destroyed-report",
    ),
]
