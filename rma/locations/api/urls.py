from django.urls import path

from rma.locations.api.drop_off_points import DropOffPointListApi

urlpatterns = [
    path("drop-off-points/", DropOffPointListApi.as_view(), name="api-drop-off-point-list"),
]
