"""Row locks for labels. Take a label's return first (rma.returns.lock_objects), then the label: a status
change of the return (cancel → void the label) takes them in that order too, so the two cannot deadlock."""

from django.db.models import QuerySet

from rma.shipping.models import Label


def label_qs_select_for_update() -> QuerySet[Label]:
    return Label.objects.order_by("pk").select_for_update(of=("self",))
