from django.urls import path

from rma.locations.apis import DropOffPointListApi

urlpatterns = [
    path("drop-off-points/", DropOffPointListApi.as_view(), name="api-drop-off-point-list"),
]
