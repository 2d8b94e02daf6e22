"""Row locks for labels. Take a label's return first (rma.returns.lock_objects), then the label: a status
change of the return (cancel → void the label) takes them in that order too, so the two cannot deadlock."""

from django.db.models import QuerySet

from rma.returns.models import ReturnRequest
from rma.shipping.models import Label


def label_qs_select_for_update() -> QuerySet[Label]:
    return Label.objects.order_by("pk").select_for_update(of=("self",))


def return_request_with_label_qs_select_for_update(*, skip_locked: bool = False) -> QuerySet[ReturnRequest]:
    """Returns joined to their label, both rows locked by one statement (filter it on the label to keep it inner).

    PostgreSQL locks the rows of a joined result in the order of the FROM clause: the return, then its label, the
    order above. The label is read under that lock: `return_request.label` is the locked row. `skip_locked`: rows
    another transaction holds are left out instead of waited for (a batch takes what nobody else is working on).
    """
    return (
        ReturnRequest.objects.order_by("pk")
        .select_related("label")
        .select_for_update(of=("self", "label"), skip_locked=skip_locked)
    )
