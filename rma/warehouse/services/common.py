"""Small helpers shared by the warehouse services."""

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext as _

from rma.core.formatting import person_name
from rma.returns.lock_objects import return_request_qs_select_for_update
from rma.returns.models import ReturnRequest

# Operators are the project's users (the default auth user model); None when the system acts.
Actor = User | None


def actor_name(user: Actor) -> str:
    """How an operator is named in messages to another operator."""
    if user is None:
        return _("someone")
    return person_name(user)


def actor_or_none(actor: Actor) -> Actor:
    return actor if actor is not None and actor.is_authenticated else None


def return_request_lock(*, pk: int) -> ReturnRequest:
    """Lock a return for the rest of the transaction (all warehouse writes on a return go through this)."""
    assert transaction.get_connection().in_atomic_block, "lock inside a transaction"
    return return_request_qs_select_for_update().get(pk=pk)
