"""Label downloads. Include at the site root: path("", include("rma.shipping.urls"))."""

from django.urls import path

from rma.shipping.views import label_file_customer_view, label_file_staff_view

urlpatterns = [
    # Staff (session login, scoped): /labels/<label public id>.pdf?size=a6|4x6 and .zpl
    path("labels/<uuid:public_id>.pdf", label_file_staff_view, {"extension": "pdf"}, name="label-pdf"),
    path("labels/<uuid:public_id>.zpl", label_file_staff_view, {"extension": "zpl"}, name="label-zpl"),
    # Customers, under their return's tracking page /r/<return public id>/ (no login: the link is the key).
    path("r/<uuid:public_id>/label.pdf", label_file_customer_view, {"extension": "pdf"}, name="customer-label-pdf"),
    path("r/<uuid:public_id>/label.zpl", label_file_customer_view, {"extension": "zpl"}, name="customer-label-zpl"),
]
