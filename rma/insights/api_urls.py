"""Insights API routes, under /api/v1/insights/."""

from django.urls import path

from rma.insights import api

urlpatterns = [
    path("footprint/", api.FootprintReportApi.as_view(), name="api-insights-footprint"),
]
