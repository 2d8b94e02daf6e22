"""Staff label downloads and the carriers' tracking webhooks.

Include at the site root: path("", include("rma.shipping.urls")).

The customer's own download (/r/<return public id>/label.pdf) is the portal's: rma.portal.label_urls.
"""

from django.urls import path

from rma.shipping.views import label_file_staff_view
from rma.shipping.webhooks import carrier_webhook

urlpatterns = [
    # Staff (session login, scoped): /labels/<label public id>.pdf?size=a6|4x6 and .zpl
    path("labels/<uuid:public_id>.pdf", label_file_staff_view, {"extension": "pdf"}, name="label-pdf"),
    path("labels/<uuid:public_id>.zpl", label_file_staff_view, {"extension": "zpl"}, name="label-zpl"),
    # Carriers push tracking events here (signature checked by the carrier's adapter).
    path("webhooks/carriers/<slug:code>/", carrier_webhook, name="carrier-webhook"),
]
