"""Reads of labels: for staff within their scope (rma.returns.selectors), and for customers by their link."""

import uuid

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from rma.returns.selectors import return_request_scope
from rma.shipping.models import Label, LabelStatus


def label_get_for_staff(*, user: AbstractBaseUser | AnonymousUser, public_id: uuid.UUID) -> Label | None:
    """A label whose return the user may see (superusers, agents, integrations: all; site staff: their sites')."""
    return (
        Label.objects.select_related("return_request")
        .filter(public_id=public_id, return_request__in=return_request_scope(user=user).values("pk"))
        .first()
    )


def label_get_for_return(*, return_public_id: uuid.UUID) -> Label | None:
    """The label of a return, by the return's unguessable public id (the customer's link)."""
    return Label.objects.select_related("return_request").filter(return_request__public_id=return_public_id).first()


def label_is_downloadable(*, label: Label | None) -> bool:
    """Only a ready label can be printed: a pending one has no files, a voided one must not be used."""
    return label is not None and label.status == LabelStatus.READY
