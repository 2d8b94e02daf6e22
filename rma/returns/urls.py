"""Staff downloads of a return's files. Include at the site root: path("", include("rma.returns.urls")).

The customer's own view of their photos is the portal's (rma.portal.urls); the API's is /api/v1/returns/….
"""

from django.urls import path

from rma.returns.views import return_photo_staff_view

urlpatterns = [
    path("photos/returns/<uuid:public_id>/<int:photo_id>", return_photo_staff_view, name="return-photo"),
]
