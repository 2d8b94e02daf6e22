from django.urls import path

from rma.connectors.views import shop_webhook

app_name = "connectors"

urlpatterns = [
    path("webhooks/shops/<uuid:public_id>/", shop_webhook, name="webhook"),
]
