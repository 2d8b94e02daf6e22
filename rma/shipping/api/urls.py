"""Label routes of the API, under /api/v1/: include with path("", include("rma.shipping.api.urls"))."""

from django.urls import path

from rma.shipping.api.labels import ReturnLabelDetailApi, ReturnLabelPdfApi, ReturnLabelZplApi

urlpatterns = [
    path("returns/<str:public_id>/label/", ReturnLabelDetailApi.as_view(), name="api-return-label"),
    path("returns/<str:public_id>/label.pdf", ReturnLabelPdfApi.as_view(), name="api-return-label-pdf"),
    path("returns/<str:public_id>/label.zpl", ReturnLabelZplApi.as_view(), name="api-return-label-zpl"),
]
