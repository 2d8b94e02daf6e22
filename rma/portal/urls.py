"""Customer portal pages, at the site's root: include with ``path("", include("rma.portal.urls"))``."""

from django.urls import path

from rma.portal import drop_off, items, label_fix, lookup, reasons, resolution, review, tracking

app_name = "portal"

urlpatterns = [
    path("", lookup.lookup, name="lookup"),
    path("leave/", lookup.end_session, name="end_session"),
    path("return/items/", items.items, name="items"),
    path("return/reasons/", reasons.reasons, name="reasons"),
    path("return/photos/<str:photo_id>/", reasons.staged_photo, name="staged_photo"),
    path("return/resolution/", resolution.resolution, name="resolution"),
    path("return/drop-off/", drop_off.drop_off, name="drop_off"),
    path("return/review/", review.review, name="review"),
    path("return/done/<uuid:public_id>/", tracking.confirmation, name="confirmation"),
    path("r/<uuid:public_id>/", tracking.tracking, name="tracking"),
    path("r/<uuid:public_id>/status.json", tracking.status, name="status"),
    path("r/<uuid:public_id>/cancel/", tracking.cancel, name="cancel"),
    path("r/<uuid:public_id>/label/address/", label_fix.label_address, name="label_address"),
    path("r/<uuid:public_id>/photos/<int:photo_id>", tracking.return_photo, name="return_photo"),
]
