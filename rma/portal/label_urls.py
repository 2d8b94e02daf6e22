"""The customer's label download, under their return's tracking page /r/<return public id>/ (no login: the link
is the key). Outside the "portal" namespace: emails and pages link to "customer-label-pdf" by that name.

Include at the site root: ``path("", include("rma.portal.label_urls"))``.
"""

from django.urls import path

from rma.portal.labels import label_file_customer_view

urlpatterns = [
    path("r/<uuid:public_id>/label.pdf", label_file_customer_view, {"extension": "pdf"}, name="customer-label-pdf"),
    path("r/<uuid:public_id>/label.zpl", label_file_customer_view, {"extension": "zpl"}, name="customer-label-zpl"),
]
