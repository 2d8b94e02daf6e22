"""The portal's photo step with the files in an S3-compatible bucket (moto's server)."""

from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from rma.portal.session import SESSION_KEY, STAGING_DIR, staged_photos_purge
from rma.portal.tasks import staged_photos_purge_task
from rma.returns.models import ReturnPhoto, ReturnRequest
from tests.portal.helpers import choose_items, choose_point, choose_resolution, confirm, give_reasons, lookup

pytestmark = pytest.mark.django_db


def test_a_photo_is_staged_then_kept_in_the_bucket_and_shown_only_to_its_customer(
    client, world, jpeg, s3_storage, django_capture_on_commit_callbacks
):
    lookup(client)
    choose_items(client, {world.shirt.pk: 1})
    photos = {world.shirt.pk: [("IMG_1.jpg", jpeg, "image/jpeg")]}
    assert give_reasons(client, {world.shirt.pk: world.damaged.pk}, photos=photos).status_code == 302
    [staged] = s3_storage.object_keys()
    assert staged.startswith(f"{STAGING_DIR}/")
    [photo_state] = client.session[SESSION_KEY]["details"][str(world.shirt.pk)]["photos"]
    assert photo_state["name"] == staged
    preview = client.get(reverse("portal:staged_photo", kwargs={"photo_id": photo_state["id"]}))
    assert preview.status_code == 200
    assert b"".join(preview.streaming_content) == s3_storage.read(staged)

    choose_resolution(client, "refund")
    choose_point(client, world.store_point.pk)
    with django_capture_on_commit_callbacks(execute=True):
        assert confirm(client).status_code == 302

    return_request = ReturnRequest.objects.get()
    photo = ReturnPhoto.objects.get()
    # The staged file is gone: the return's photo is kept, next to the label made for the return.
    assert [key for key in s3_storage.object_keys() if not key.startswith("labels/")] == [photo.image.name]
    url = reverse("portal:return_photo", kwargs={"public_id": return_request.public_id, "photo_id": photo.pk})
    served = client.get(url)
    assert served.status_code == 200
    assert b"".join(served.streaming_content)[:3] == b"\xff\xd8\xff"
    assert Client().get(url).status_code == 404


def test_a_staged_photo_gone_from_the_bucket_is_a_404(client, world, jpeg, s3_storage):
    lookup(client)
    choose_items(client, {world.shirt.pk: 1})
    give_reasons(
        client, {world.shirt.pk: world.damaged.pk}, photos={world.shirt.pk: [("IMG_1.jpg", jpeg, "image/jpeg")]}
    )
    [photo_state] = client.session[SESSION_KEY]["details"][str(world.shirt.pk)]["photos"]
    s3_storage.store.client().delete_object(Bucket=s3_storage.name, Key=photo_state["name"])

    assert client.get(reverse("portal:staged_photo", kwargs={"photo_id": photo_state["id"]})).status_code == 404


@pytest.mark.parametrize("where", ["bucket", "local folder"])
def test_photos_of_abandoned_journeys_are_purged_after_a_day(client, world, jpeg, request, where):
    if where == "bucket":
        request.getfixturevalue("s3_storage")
    lookup(client)
    choose_items(client, {world.shirt.pk: 1})
    photos = {world.shirt.pk: [("IMG_1.jpg", jpeg, "image/jpeg")]}
    give_reasons(client, {world.shirt.pk: world.damaged.pk}, photos=photos)
    [photo_state] = client.session[SESSION_KEY]["details"][str(world.shirt.pk)]["photos"]

    assert staged_photos_purge_task.delay().get() == 0  # this journey may still be confirmed
    assert default_storage.exists(photo_state["name"])
    assert staged_photos_purge(now=timezone.now() + timedelta(days=1, minutes=1)) == 1
    assert not default_storage.exists(photo_state["name"])


@pytest.mark.parametrize("where", ["bucket", "local folder"])
def test_nothing_staged_yet_is_nothing_to_purge(request, where):
    if where == "bucket":
        request.getfixturevalue("s3_storage")
    assert staged_photos_purge() == 0
