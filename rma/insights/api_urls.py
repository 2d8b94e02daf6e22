"""Insights API routes, under /api/v1/insights/."""

from django.urls import path

from rma.insights import analytics_api, api

urlpatterns = [
    path("footprint/", api.FootprintReportApi.as_view(), name="api-insights-footprint"),
    path("analytics/<slug:sheet>/", analytics_api.AnalyticsSheetApi.as_view(), name="api-insights-analytics"),
]
