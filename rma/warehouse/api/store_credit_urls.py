"""Store credit API routes, under /api/v1/store-credits/."""

from django.urls import path

from rma.warehouse.api.store_credits import StoreCreditDetailApi, StoreCreditRedemptionCreateApi

urlpatterns = [
    path("<str:code>/", StoreCreditDetailApi.as_view(), name="api-store-credit"),
    path("<str:code>/redemptions/", StoreCreditRedemptionCreateApi.as_view(), name="api-store-credit-redemptions"),
]
