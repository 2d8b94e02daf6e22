"""Customer portal pages, at the site's root: include with ``path("", include("rma.portal.urls"))``."""

from django.urls import path

from rma.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.lookup, name="lookup"),
    path("leave/", views.end_session, name="end_session"),
    path("return/items/", views.items, name="items"),
    path("return/reasons/", views.reasons, name="reasons"),
    path("return/photos/<str:photo_id>/", views.staged_photo, name="staged_photo"),
    path("return/resolution/", views.resolution, name="resolution"),
    path("return/drop-off/", views.drop_off, name="drop_off"),
    path("return/review/", views.review, name="review"),
    path("return/done/<uuid:public_id>/", views.confirmation, name="confirmation"),
    path("r/<uuid:public_id>/", views.tracking, name="tracking"),
    path("r/<uuid:public_id>/status.json", views.status, name="status"),
    path("r/<uuid:public_id>/cancel/", views.cancel, name="cancel"),
]
