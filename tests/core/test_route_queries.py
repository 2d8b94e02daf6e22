"""The routes every site shares cost a pinned number of statements: the staff's label and photo downloads (read
to the end of the file), the ops probes, signing in and out, and choosing a language. A statement more shows here;
one per line of a return, per photo or per waiting message as a difference between the small and the big case."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from rma.core import roles
from rma.notifications.choices import Channel, OutboxStatus
from rma.notifications.models import OutboxMessage
from rma.returns.models import ReturnPhoto
from tests.core.factories import UserFactory
from tests.core.pictures import checked
from tests.helpers import get_queries, queries_of, staff_member
from tests.locations.factories import StoreFactory
from tests.orders.factories import OrderLineFactory
from tests.returns.factories import ReasonCodeFactory

pytestmark = pytest.mark.django_db
# Pinned, one per request (inside the request's savepoint and its release, ATOMIC_REQUESTS). A staff download: the
# session, the user, then the label (with its return) or the photo within the user's scope, in one statement each;
# the user's roles are cached per user after the first request (warm).
LABEL_PDF_QUERIES = 5
LABEL_ZPL_QUERIES = 5
RETURN_PHOTO_QUERIES = 5
HEALTHZ_QUERIES = 0  # touches nothing, so that a slow database never gets a live process restarted
READYZ_QUERIES = 1  # SELECT 1 (not atomic: no savepoint)
METRICS_QUERIES = 2  # the outbox's backlog by status and the returns accepted for later, counted in SQL
# Signing in: the page only opens the request's savepoint; the POST reads the user, makes the new session (a free
# key checked, inserted), writes last_login and saves the session, in savepoints. The shared sign-in also reads the
# user's roles (their groups) to choose their home page; the sites' own go to theirs.
LOGIN_PAGE_QUERIES = 2
LOGIN_QUERIES = {"login": 12, "warehouse:login": 11, "store:login": 11, "agents:login": 11}
LOGOUT_QUERIES = 6  # the session and the user read, the session read again and deleted, in the savepoint
LANGUAGE_QUERIES = 2  # a cookie: only the request's savepoint and its release

TOKEN = "scrape-token-for-tests"
LOGINS = ("login", "warehouse:login", "store:login", "agents:login")
LOGOUTS = ("logout", "warehouse:logout", "store:logout", "agents:logout")
LANGUAGES = ("set_language", "warehouse:language", "store:language", "agents:language", "insights:language")


@pytest.fixture
def shop(warehouse):
    return StoreFactory(code="ST-LYON", default_warehouse=warehouse)


@pytest.fixture
def clerk(shop):
    return staff_member(shop, "clerk", roles.STORE_STAFF)


def test_a_staff_label_download_costs_the_same_for_one_line_or_three(
    client, clerk, shop, make_return, django_capture_on_commit_callbacks
):
    client.force_login(clerk)
    counts = []
    for lines in (1, 3):
        with django_capture_on_commit_callbacks(execute=True):
            return_request = make_return(store=shop, lines=lines)
        label = return_request.label
        counts.append(
            (
                get_queries(client, reverse("label-pdf", kwargs={"public_id": label.public_id}), warm=True),
                get_queries(client, reverse("label-zpl", kwargs={"public_id": label.public_id}), warm=True),
            )
        )
    assert counts == [(LABEL_PDF_QUERIES, LABEL_ZPL_QUERIES)] * 2


def test_a_staff_photo_download_costs_the_same_among_one_photo_or_two(client, clerk, shop, make_return):
    damaged = ReasonCodeFactory(code="damaged", requires_photo=True)
    client.force_login(clerk)
    counts = []
    for photos in (1, 2):
        line = OrderLineFactory(quantity=2)
        return_request = make_return(
            store=shop, order_line=line, reason=damaged, photos={line.pk: [checked()] * photos}
        )
        photo = ReturnPhoto.objects.filter(return_line__return_request=return_request).latest("id")
        url = reverse("return-photo", kwargs={"public_id": return_request.public_id, "photo_id": photo.pk})
        counts.append(get_queries(client, url, warm=True))
    assert counts == [RETURN_PHOTO_QUERIES, RETURN_PHOTO_QUERIES]


def test_the_probes_cost_a_fixed_few_statements_whatever_the_waiting_messages(client, settings, tmp_path):
    settings.RMA_METRICS_TOKEN = TOKEN
    settings.CELERY_BROKER_URL = "filesystem://localhost/"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"data_folder_in": str(tmp_path), "data_folder_out": str(tmp_path)}
    scrape = {"headers": {"Authorization": f"Bearer {TOKEN}"}}
    counts = []
    for waiting in (1, 20):
        for index in range(waiting):
            OutboxMessage.objects.create(
                channel=Channel.EMAIL,
                topic="test",
                destination=f"c{index}@example.com",
                status=OutboxStatus.PENDING,
                dedupe_key=f"probe-{waiting}-{index}",
            )
        counts.append(
            (
                get_queries(client, "/healthz"),
                get_queries(client, "/readyz"),
                queries_of(lambda: client.get("/metrics", **scrape)),
            )
        )
    assert client.get("/readyz").json()["status"] == "ok"
    assert counts == [(HEALTHZ_QUERIES, READYZ_QUERIES, METRICS_QUERIES)] * 2


@pytest.mark.parametrize("name", LOGINS)
def test_signing_in_costs_a_fixed_few_statements_on_every_site(client, name):
    user = UserFactory(username="claire", roles=[roles.AGENT], is_staff=True)
    page = get_queries(client, reverse(name))
    signed_in = queries_of(
        lambda: client.post(reverse(name), {"username": user.username, "password": "demo-password"})
    )
    assert client.session[SESSION_KEY] == str(user.pk)
    assert (page, signed_in) == (LOGIN_PAGE_QUERIES, LOGIN_QUERIES[name])


@pytest.mark.parametrize("name", LOGOUTS)
def test_signing_out_costs_a_fixed_few_statements_on_every_site(client, name):
    client.force_login(UserFactory(username="claire", roles=[roles.AGENT]))
    signed_out = queries_of(lambda: client.post(reverse(name)))
    assert SESSION_KEY not in client.session
    assert signed_out == LOGOUT_QUERIES


@pytest.mark.parametrize("name", LANGUAGES)
def test_choosing_a_language_costs_a_fixed_few_statements_on_every_site(client, name):
    client.force_login(UserFactory(username="claire", roles=[roles.AGENT]))
    chosen = queries_of(lambda: client.post(reverse(name), {"language": "fr", "next": "/"}))
    assert client.cookies["django_language"].value == "fr"
    assert chosen == LANGUAGE_QUERIES
