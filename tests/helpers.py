"""Helpers shared by several apps' tests: staff, counter hand-ins, two-connection races, query counts."""

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.db import close_old_connections, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from rma.store.services.counter import CounterLineCheck, counter_return_check
from tests.core.factories import UserFactory


def run_in_threads(*calls: Callable[[], Any]) -> list[object]:
    """Run the calls at the same moment, each on its own connection; return what each returned or raised."""
    barrier = threading.Barrier(len(calls))
    outcomes: list[object] = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(5)
            outcomes[index] = call()
        except Exception as exc:  # noqa: BLE001
            outcomes[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return outcomes


def race_on_row_lock(
    first_move: Callable[[], Any], second_move: Callable[[], Any], lock_row: Callable[[], Any]
) -> dict[str, object]:
    """The first connection holds the row lock while the second tries its move, then the first moves."""
    locked = threading.Event()
    release = threading.Event()
    outcomes: dict[str, object] = {}

    def first():
        try:
            with transaction.atomic():
                lock_row()
                locked.set()
                release.wait(10)
                first_move()
            outcomes["first"] = "won"
        except Exception as exc:  # noqa: BLE001
            outcomes["first"] = exc
        finally:
            close_old_connections()
            connection.close()

    def second():
        locked.wait(10)
        try:
            # Blocks on the lock until the first commits, then sees its status and is refused.
            timer = threading.Timer(0.5, release.set)
            timer.start()
            second_move()
            outcomes["second"] = "won"
        except Exception as exc:  # noqa: BLE001
            outcomes["second"] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    return outcomes


def staff_member(place: Any, username: str, role: str, **names: str) -> Any:
    """A user with `role`, on the staff of `place` (a shop or a warehouse)."""
    user = UserFactory(username=username, roles=[role], **names)
    place.staff.add(user)
    return user


def accept_at_counter(return_request: Any, *, store: Any, actor: Any) -> Any:
    """Accept every line of a return at a shop's counter (-> in_transit); the counter's outcome."""
    return counter_return_check(
        return_request=return_request,
        store=store,
        actor=actor,
        checks=[
            CounterLineCheck(return_line_id=line.pk, condition="as_new", accepted=True)
            for line in return_request.lines.all()
        ],
    )


@pytest.fixture(autouse=True)
def english_pages(settings):
    """Assertions read English text: pages and messages default to English unless a test asks for French.

    Autouse where a conftest imports it (staff sites, customer service).
    """
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def get_queries(client: Any, url: str, *, warm: bool = False) -> int:
    """The statements one GET of `url` costs (answered 200; a streamed file is read to its end inside the count).
    `warm`: after a first request, which also reads what is cached per user (roles, places)."""
    if warm:
        client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        assert response.status_code == 200, (
            response.status_code,
            response.content[:500] if not response.streaming else b"",
        )
        if response.streaming:
            b"".join(response.streaming_content)
    return len(queries)


def queries_of(call: Callable[[], Any], *, warm: bool = False) -> int:
    """The statements one call of `call` (a request: it answers 200 or a redirect) costs. `warm`: call it once
    first, as a process's first request also reads what is cached per user (roles, places)."""
    if warm:
        call()
    with CaptureQueriesContext(connection) as queries:
        response = call()
        assert response.status_code in (200, 302), response.status_code
    return len(queries)


ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


def screenshot(page: Any, name: str) -> None:
    """A browser test's full page as test-artifacts/<name>.png, for a person to look at afterwards."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
