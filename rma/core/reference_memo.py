"""Reference rows (the return policy, reason codes, warehouses, carrier accounts) kept in each process's memory
between requests, and forgotten by every process when one of them changes.

Every creation of a return reads them, and they change a few times a year: a memo per process saves their queries.
What keeps a memo right:
- a version token per memo in the shared cache (Redis in production), read before loading and at each use: a
  save or delete of one of the memo's models (signals) replaces the token after the commit, so every process
  reloads at its next use, and a process that loaded the old rows meanwhile holds them under the old token;
- a transaction that wrote one of those models reads them from the database, and keeps nothing, until it commits
  (a rollback leaves nothing behind);
- writes that send no signal (``QuerySet.update``, raw SQL, a restored dump) are seen within `max_age` seconds;
- the cache unreachable: the rows are read from the database each time (the memo is an optimisation only).

Within a web request, the tokens of every memo are read together, in one round trip, at the request's first use of
one: a change another process commits meanwhile is seen from the next request on, and one this request commits at
once. Outside requests (tasks, commands), each use reads its own token.

Values are shared by every request of the process: callers must not change them.
"""

import threading
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.core.signals import request_finished, request_started
from django.db import models, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from rma.core.shared_cache import shared_cache_add, shared_cache_get, shared_cache_get_many, shared_cache_set

T = TypeVar("T")
KEY_PREFIX = "rma:reference-memo:"
DEFAULT_MAX_AGE_SECONDS = 60.0


@dataclass(frozen=True)
class _Held(Generic[T]):
    token: str
    value: T
    at: float


class _Writes(threading.local):
    """Per thread (its connection): the memos written in the open transaction, with their pending commit hooks."""

    def __init__(self) -> None:
        self.pending: list[tuple[str, Callable[[], None]]] = []


class _RequestTokens(threading.local):
    """Per thread: within a web request, the memos' tokens read so far (None for a memo whose cache did not answer);
    outside one, None."""

    def __init__(self) -> None:
        self.by_name: dict[str, str | None] | None = None


_writes = _Writes()
_request_tokens = _RequestTokens()
_memos: dict[str, "ReferenceMemo[Any]"] = {}


class ReferenceMemo(Generic[T]):
    """`load()`'s result, kept in this process while no row of `models` changes (see the module docstring)."""

    def __init__(
        self,
        name: str,
        load: Callable[[], T],
        *,
        models: Iterable[type[models.Model]],
        max_age: float = DEFAULT_MAX_AGE_SECONDS,
    ) -> None:
        if name in _memos:
            raise ValueError(f"a reference memo named {name!r} exists already")
        self.name, self.load, self.max_age = name, load, max_age
        self._held: _Held[T] | None = None
        _memos[name] = self
        for model in models:
            _watch(model, name)

    def get(self) -> T:
        if _written_in_open_transaction(self.name):
            return self.load()  # this transaction's own rows, which no one else may see yet
        token = _token(self.name)
        if token is None:
            return self.load()
        held = self._held
        if held is not None and held.token == token and time.monotonic() - held.at < self.max_age:
            return held.value
        value = self.load()
        self._held = _Held(token, value, time.monotonic())
        return value

    def forget(self) -> None:
        self._held = None


def reference_changed(name: str) -> None:
    """A row the memo `name` reads was saved or deleted: this process forgets it now, every process after commit."""
    memo = _memos[name]
    memo.forget()

    def committed() -> None:
        _writes.pending[:] = [entry for entry in _writes.pending if entry[1] is not committed]
        memo.forget()
        # When the cache is down, other processes reload within max_age.
        shared_cache_set(KEY_PREFIX + name, uuid.uuid4().hex, timeout=None, what=f"the change of reference {name}")
        if _request_tokens.by_name is not None:
            _request_tokens.by_name = {}  # this request reads the new token at its next use

    connection = transaction.get_connection()
    if connection.in_atomic_block:
        _writes.pending.append((name, committed))
    transaction.on_commit(committed)


def reference_memos_load() -> None:
    """Load every memo now, as a process does with its first requests (tests that count a request's queries)."""
    for memo in _memos.values():
        memo.get()


def reference_memos_forget() -> None:
    """Forget every memo of this process (tests: the database is rolled back or flushed between them)."""
    for memo in _memos.values():
        memo.forget()
    _request_tokens.by_name = None  # and outside any request, whatever the last one left


def _written_in_open_transaction(name: str) -> bool:
    if not _writes.pending:
        return False
    # A hook that left the connection's list was run (commit) or dropped (rollback of its transaction or savepoint).
    waiting = {id(entry[1]) for entry in transaction.get_connection().run_on_commit}
    _writes.pending[:] = [entry for entry in _writes.pending if id(entry[1]) in waiting]
    return any(entry[0] == name for entry in _writes.pending)


def _token(name: str) -> str | None:
    """The memo's version token: within a request, as read at its first use of a memo (every memo's at once)."""
    known = _request_tokens.by_name
    if known is None:
        return _token_read(name)
    if name not in known:
        found = shared_cache_get_many([KEY_PREFIX + other for other in _memos], what="the versions of references")
        for other in _memos:
            token = None if found is None else found.get(KEY_PREFIX + other)
            # A memo no process has used yet has no token: set one (the cache answered).
            known[other] = str(token) if token is not None else (None if found is None else _token_read(other))
    return known[name]


def _request_started(**kwargs: Any) -> None:
    _request_tokens.by_name = {}


def _request_finished(**kwargs: Any) -> None:
    _request_tokens.by_name = None


request_started.connect(_request_started, dispatch_uid="rma-reference-memo-request-started")
request_finished.connect(_request_finished, dispatch_uid="rma-reference-memo-request-finished")


def _token_read(name: str) -> str | None:
    """The memo's version token in the shared cache (one is set when none is), or None if the cache is down."""
    key, what = KEY_PREFIX + name, f"the version of reference {name}"
    token = shared_cache_get(key, what=what)
    if token is None and shared_cache_add(key, uuid.uuid4().hex, timeout=None, what=what):
        token = shared_cache_get(key, what=what)
    return None if token is None else str(token)


def _watch(model: type[models.Model], name: str) -> None:
    def changed(sender: Any, **kwargs: Any) -> None:
        reference_changed(name)

    uid = f"reference-memo:{name}:{model._meta.label}"
    post_save.connect(changed, sender=model, weak=False, dispatch_uid=uid)
    post_delete.connect(changed, sender=model, weak=False, dispatch_uid=uid)
    for field in model._meta.local_many_to_many:
        through = field.remote_field.through
        m2m_changed.connect(changed, sender=through, weak=False, dispatch_uid=f"{uid}:{field.name}")
