from django.contrib import admin
from django.contrib.auth.views import LogoutView
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from returns_portal.ops import views as ops_views
from rma.core.views import StaffLoginView

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/login/", StaffLoginView.as_view(), name="login"),
    path("accounts/logout/", LogoutView.as_view(next_page="login"), name="logout"),
    path("api/v1/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/v1/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/v1/", include("rma.api_urls")),
    path("healthz", ops_views.healthz, name="healthz"),
    path("readyz", ops_views.readyz, name="readyz"),
    path("metrics", ops_views.metrics, name="metrics"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("warehouse/", include("rma.warehouse.urls")),
    path("store/", include("rma.store.urls")),
    path("agents/", include("rma.agents.urls")),
    path("insights/", include("rma.insights.urls")),
    path("", include("rma.connectors.urls")),
    path("", include("rma.returns.urls")),
    path("", include("rma.shipping.urls")),
    path("", include("rma.portal.label_urls")),
    path("", include("rma.portal.urls")),
]
