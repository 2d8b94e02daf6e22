"""The list's rows are built for a whole page at once (lines and photos in plain lists, the zone and language read
once): each row is still what the return's detail says, without its refund and timeline, in either language."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from rma.returns.choices import ReturnStatus
from rma.returns.models import ReturnPhoto
from tests.core.pictures import picture

pytestmark = pytest.mark.django_db


@pytest.fixture
def returns(make_return):
    """Three returns, newest first: one with two lines and a photo on its second line, one with a ready label."""
    photographed = make_return(lines=2)
    second_line = photographed.lines.order_by("id").last()
    photo = ReturnPhoto.objects.create(
        return_line=second_line, image=SimpleUploadedFile("IMG_0001.jpg", picture()), content_type="image/jpeg"
    )
    labelled = make_return(status="in_transit", tracking_number="RB123456785FR")
    plain = make_return()
    return {"photo": photo, "newest_first": [plain, labelled, photographed]}


@pytest.mark.parametrize("language", ["en", "fr"])
def test_each_row_is_the_detail_without_refund_and_timeline(agent, returns, language):
    rows = agent.get("/api/v1/returns/", HTTP_ACCEPT_LANGUAGE=language).json()["results"]

    assert [row["public_id"] for row in rows] == [str(r.public_id) for r in returns["newest_first"]]
    for row in rows:
        detail = agent.get(f"/api/v1/returns/{row['public_id']}/", HTTP_ACCEPT_LANGUAGE=language).json()
        assert row == {key: value for key, value in detail.items() if key not in ("refund", "timeline")}


def test_rows_carry_their_lines_photos_label_and_local_dates(agent, returns):
    rows = agent.get("/api/v1/returns/", HTTP_ACCEPT_LANGUAGE="fr").json()["results"]
    plain, labelled, photographed = rows

    assert [len(row["lines"]) for row in rows] == [1, 1, 2]
    assert [line["photos"] for line in photographed["lines"]][0] == []
    photo = returns["photo"]
    assert [p["id"] for p in photographed["lines"][1]["photos"]] == [photo.pk]
    assert photographed["lines"][1]["photos"][0]["url"] == (
        f"/api/v1/returns/{photographed['public_id']}/photos/{photo.pk}/"
    )
    assert labelled["label"]["tracking_number"] == "RB123456785FR"
    # Dates in the portal's zone (Europe/Paris), as the serializers' DateTimeField writes them.
    assert plain["created_at"].endswith(("+01:00", "+02:00"))
    with translation.override("fr"):
        assert plain["status_label"] == str(ReturnStatus(plain["status"]).label) != plain["status"]
