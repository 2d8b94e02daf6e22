"""Returns API routes, under /api/v1/."""

from collections.abc import Callable

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from rest_framework.views import APIView

from rma.returns.api.create import ReturnRequestCreateApi
from rma.returns.api.customers import CustomerHistoryApi, ReturnCustomerHistoryApi
from rma.returns.api.detail import (
    ReturnRequestApproveApi,
    ReturnRequestCancelApi,
    ReturnRequestDetailApi,
    ReturnRequestRejectApi,
    ReturnRequestSubmitApi,
)
from rma.returns.api.eligibility import OrderEligibilityApi
from rma.returns.api.intake import ReturnIntakeDetailApi, accepted_for_later
from rma.returns.api.listing import ReturnRequestListApi
from rma.returns.api.notes import ReturnNoteCreateApi, ReturnNoteListApi
from rma.returns.api.photos import ReturnLinePhotoCreateApi, ReturnPhotoFileApi
from rma.returns.api.reason_codes import ReasonCodeListApi


def by_method(
    *, get: type[APIView], post: type[APIView], on_its_own: Callable[[HttpRequest], bool] = lambda request: False
) -> Callable[..., HttpResponse]:
    """Serve two one-operation views on one URL: GET to one, everything else to the other.

    The POST view answers any other method with DRF's own JSON 405; `Allow` (on OPTIONS and 405) names what the
    URL serves, the two views together. Each request runs in a transaction, as ATOMIC_REQUESTS runs the others
    (DRF's error handling rolls it back), except those `on_its_own` picks: their view writes one row, which commits
    by itself, and BEGIN and COMMIT would be two round trips more.
    """
    get_view, post_view = get.as_view(), post.as_view()
    allowed = ", ".join(sorted({*get().allowed_methods, *post().allowed_methods}))

    @transaction.non_atomic_requests
    @csrf_exempt  # the DRF views enforce CSRF themselves for session-authenticated requests
    def view(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        handler = get_view if request.method in ("GET", "HEAD") else post_view
        # Inside a transaction already (a test's), a savepoint as ATOMIC_REQUESTS takes one: DRF's error handling
        # marks the innermost transaction for rollback, which must be this request's.
        if on_its_own(request) and not transaction.get_connection().in_atomic_block:
            response = handler(request, *args, **kwargs)
        else:
            with transaction.atomic():
                response = handler(request, *args, **kwargs)
        if response.has_header("Allow"):
            response["Allow"] = allowed
        return response

    return view


urlpatterns = [
    path("orders/<str:external_id>/eligibility/", OrderEligibilityApi.as_view(), name="api-order-eligibility"),
    path("reason-codes/", ReasonCodeListApi.as_view(), name="api-reason-code-list"),
    path("customers/history/", CustomerHistoryApi.as_view(), name="api-customer-history"),
    path(
        "returns/",
        by_method(get=ReturnRequestListApi, post=ReturnRequestCreateApi, on_its_own=accepted_for_later),
        name="api-return-list",
    ),
    path("returns/<str:public_id>/", ReturnRequestDetailApi.as_view(), name="api-return-detail"),
    path("return-intakes/<uuid:public_id>/", ReturnIntakeDetailApi.as_view(), name="api-return-intake-detail"),
    path("returns/<str:public_id>/submit/", ReturnRequestSubmitApi.as_view(), name="api-return-submit"),
    path(
        "returns/<str:public_id>/customer-history/",
        ReturnCustomerHistoryApi.as_view(),
        name="api-return-customer-history",
    ),
    path("returns/<str:public_id>/cancel/", ReturnRequestCancelApi.as_view(), name="api-return-cancel"),
    path("returns/<str:public_id>/approve/", ReturnRequestApproveApi.as_view(), name="api-return-approve"),
    path("returns/<str:public_id>/reject/", ReturnRequestRejectApi.as_view(), name="api-return-reject"),
    path(
        "returns/<str:public_id>/notes/",
        by_method(get=ReturnNoteListApi, post=ReturnNoteCreateApi),
        name="api-return-notes",
    ),
    path(
        "returns/<str:public_id>/lines/<str:order_line>/photos/",
        ReturnLinePhotoCreateApi.as_view(),
        name="api-return-line-photos",
    ),
    path("returns/<str:public_id>/photos/<int:photo_id>/", ReturnPhotoFileApi.as_view(), name="api-return-photo-file"),
    # Never reached (the patterns above match first): they let the OpenAPI generator, which reads APIView
    # classes, see the two operations that by_method serves on each of these URLs.
    path("returns/", ReturnRequestListApi.as_view()),
    path("returns/", ReturnRequestCreateApi.as_view()),
    path("returns/<str:public_id>/notes/", ReturnNoteListApi.as_view()),
    path("returns/<str:public_id>/notes/", ReturnNoteCreateApi.as_view()),
]
