"""Rows written in bulk with the times they would have had, not the time of the run."""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from django.db import models


@contextmanager
def timestamps_as_given(model_classes: Sequence[type[models.Model]]) -> Iterator[None]:
    """Let bulk_create store the created_at/updated_at we computed instead of "now".

    auto_now and auto_now_add are switched off on these fields for the duration (in this process only), then
    restored, whatever happens.
    """
    switched: list[tuple[models.DateTimeField, bool, bool]] = []
    try:
        for model in model_classes:
            for field in model._meta.concrete_fields:
                if isinstance(field, models.DateTimeField) and (field.auto_now or field.auto_now_add):
                    switched.append((field, field.auto_now, field.auto_now_add))
                    field.auto_now = field.auto_now_add = False
        yield
    finally:
        for field, auto_now, auto_now_add in switched:
            field.auto_now, field.auto_now_add = auto_now, auto_now_add
