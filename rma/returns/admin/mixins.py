"""Admin building blocks shared by the apps' admins."""

from collections.abc import Sequence
from typing import Protocol

from django.db.models import FileField, Model
from django.http import HttpRequest


class _ModelAdminLike(Protocol):
    """What the mixin reads from the ModelAdmin or inline it is mixed into."""

    @property
    def model(self) -> type[Model]: ...

    @property
    def readonly_fields(self) -> Sequence[str]: ...


class ReadOnlyAdminMixin:
    """Rows written only by the services: people may look, never add, change or delete.

    Every column is shown, including the ones a form would leave out (ids, timestamps), so a field added
    to the model later appears without touching the admin.
    """

    def get_readonly_fields(self: _ModelAdminLike, request: HttpRequest, obj: Model | None = None) -> list[str]:
        fields = [f.name for f in self.model._meta.fields if not f.primary_key and not isinstance(f, FileField)]
        return [*fields, *(name for name in self.readonly_fields if name not in fields)]

    def get_exclude(self: _ModelAdminLike, request: HttpRequest, obj: Model | None = None) -> list[str]:
        # Django shows a stored file as a link to its public media URL, which does not exist: files (labels,
        # manifests, photos) are served only by views that check the viewer's scope; admins link to those.
        return [f.name for f in self.model._meta.fields if isinstance(f, FileField)]

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False
