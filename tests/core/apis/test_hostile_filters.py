"""Every filter of every list checks its value: a hostile one is a 400 naming the parameter, never a 500."""

import pytest

pytestmark = pytest.mark.django_db

HOSTILE = {
    "datetime": [
        "0382-12-27T08:02:54-19:34",  # an offset out of range
        "2026-01-01T00:00:00+24:00",
        "2026-01-01T00:00:00+99:99",
        "0001-01-01T00:00:00+14:00",  # before the first representable instant in UTC
        "0001-01-01T00:00:00",  # naive, then made aware in Europe/Paris: also before it
        "9999-12-31T23:59:59-14:00",  # after the last one
        "2026-02-30T10:00:00Z",
        "2026-13-45T99:99:99",
        "99999-01-01T00:00:00",
        "1e999",
        "-1",
        "\x00",
        "2026-01-01T00:00:00\x00",
        "x" * 5000,
    ],
    "date": ["0000-00-00", "2026-02-30", "99999-01-01", "2026-01-01T00:00:00+24:00", "1e999", "-1", "\x00"],
    "choice": ["nope", "\x00", "draft\x00", "x" * 5000, "%", "ａｐｉ"],
    "number": ["1e999", "-1e999", "NaN", "inf", "99999999999999999999", "0x10", "\x00"],
}
# Free-text filters have no wrong value but must take any: they find nothing, or a 400 for what the database
# cannot store (a NUL character), never a 500.
TEXT = ["\x00", "a\x00b", "x" * 5000, "%", "_", "\\", "' OR 1=1 --", "\ud800".encode("utf-8", "surrogatepass"), "é"]

# (list URL, parameter, kind of value); the URL carries what the list needs besides the filter.
FILTERS = [
    ("/api/v1/returns/", "created_before", "datetime"),
    ("/api/v1/returns/", "created_after", "datetime"),
    ("/api/v1/returns/", "status", "choice"),
    ("/api/v1/returns/", "channel", "choice"),
    ("/api/v1/returns/", "order", "text"),
    ("/api/v1/returns/", "contact_email", "text"),
    ("/api/v1/returns/", "store", "text"),
    ("/api/v1/returns/", "warehouse", "text"),
    ("/api/v1/returns/", "cursor", "text"),
    ("/api/v1/reason-codes/", "lang", "choice"),
    ("/api/v1/drop-off-points/?lng=2.35", "lat", "number"),
    ("/api/v1/drop-off-points/?lat=48.85", "lng", "number"),
    ("/api/v1/drop-off-points/?postcode=75011", "limit", "number"),
    ("/api/v1/drop-off-points/?postcode=75011", "kind", "choice"),
    ("/api/v1/drop-off-points/", "postcode", "text"),
    ("/api/v1/warehouse/reports/destroyed/", "start", "date"),
    ("/api/v1/warehouse/reports/destroyed/", "end", "date"),
    ("/api/v1/warehouse/reports/discrepancies/", "start", "date"),
    ("/api/v1/warehouse/reports/discrepancies/", "end", "date"),
    ("/api/v1/warehouse/reports/discrepancies/", "kind", "choice"),
    ("/api/v1/warehouse/reports/discrepancies/", "store", "text"),
    ("/api/v1/warehouse/expected/", "warehouse", "text"),
    ("/api/v1/store/shipments/", "status", "choice"),
    ("/api/v1/store/shipments/", "store", "text"),
]
CASES = [
    pytest.param(url, name, value, kind != "text", id=f"{url.split('?')[0]}?{name}={kind}[{index}]")
    for url, name, kind in FILTERS
    for index, value in enumerate(TEXT if kind == "text" else HOSTILE[kind])
]


@pytest.fixture
def client(superuser, store, warehouse):
    """A superuser sees every list."""
    return superuser


@pytest.mark.parametrize(("url", "name", "value", "must_refuse"), CASES)
def test_a_hostile_filter_value_is_a_400_naming_the_parameter(client, url, name, value, must_refuse):
    response = client.get(url, {name: value})

    assert response["Content-Type"].startswith("application/json"), response.status_code
    if response.status_code == 400:
        details = response.json()["error"]["details"]
        assert name in details, details
        return
    assert not must_refuse, (response.status_code, response.content[:300])
    # Text: no match, or an unknown shop or warehouse code (404 as documented).
    assert response.status_code in (200, 404), (response.status_code, response.content[:300])


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("created_before", "2999-01-01T00:00:00+14:00"),
        ("created_after", "2000-01-01T00:00:00-12:00"),
        ("created_after", "2000-01-01"),
        ("created_before", "2999-12-31T23:59:59.999999Z"),
    ],
)
def test_extreme_but_valid_dates_still_filter(client, make_return, name, value):
    make_return()
    response = client.get("/api/v1/returns/", {name: value})

    assert response.status_code == 200, response.content[:300]
    assert len(response.json()["results"]) == 1


@pytest.mark.parametrize("name", ["created_before", "created_after", "channel"])
def test_an_empty_date_or_choice_filter_is_a_400_naming_it_not_no_filter(client, make_return, name):
    """`created_before=` is not a date-time (the schema says so): refused, rather than silently listing everything."""
    make_return()
    response = client.get("/api/v1/returns/", {name: ""})

    assert response.status_code == 400, response.content[:300]
    assert name in response.json()["error"]["details"]


@pytest.mark.parametrize("name", ["order", "contact_email", "store", "warehouse"])
def test_an_empty_text_filter_is_no_filter(client, make_return, name):
    make_return()
    response = client.get("/api/v1/returns/", {name: ""})

    assert response.status_code == 200, response.content[:300]
    assert len(response.json()["results"]) == 1
