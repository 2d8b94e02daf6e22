"""Django's storage API on a real S3-compatible server: what the portal's files rely on."""

import socket
from dataclasses import replace

import pytest
from botocore.exceptions import ReadTimeoutError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages
from storages.backends.s3 import S3Storage


def test_the_default_storage_writes_private_objects_into_the_bucket(s3_storage):
    name = default_storage.save("labels/pdf/RMA-1.pdf", ContentFile(b"%PDF-1.4 label"))

    assert isinstance(storages["default"], S3Storage)
    assert s3_storage.object_keys() == [name]
    assert s3_storage.read(name) == b"%PDF-1.4 label"
    acl = s3_storage.store.client().get_object_acl(Bucket=s3_storage.name, Key=name)
    assert [grant["Permission"] for grant in acl["Grants"]] == ["FULL_CONTROL"]  # the owner only


def test_a_second_file_of_the_same_name_never_replaces_the_first(s3_storage):
    first = default_storage.save("returns/photo.jpg", ContentFile(b"first"))
    second = default_storage.save("returns/photo.jpg", ContentFile(b"second"))

    assert first != second
    assert s3_storage.read(first) == b"first"
    assert s3_storage.read(second) == b"second"


def test_exists_size_open_and_delete_go_to_the_bucket(s3_storage):
    name = default_storage.save("manifests/SH-1.csv", ContentFile(b"a;b\n"))

    assert default_storage.exists(name)
    assert default_storage.size(name) == 4
    with default_storage.open(name, "rb") as handle:
        assert handle.read() == b"a;b\n"
    default_storage.delete(name)

    assert not default_storage.exists(name)
    assert s3_storage.object_keys() == []


def test_the_key_prefix_keeps_the_portal_in_its_own_folder_of_a_shared_bucket(settings, s3_storage):
    from tests.objectstore import s3_storages_setting

    settings.STORAGES = s3_storages_setting(s3_storage.store, s3_storage.name, prefix="rma/prod")
    name = default_storage.save("labels/zpl/RMA-1.zpl", ContentFile(b"^XA^XZ"))

    assert s3_storage.object_keys() == [f"rma/prod/{name}"]
    assert default_storage.exists(name)


@pytest.mark.parametrize("missing", ["labels/pdf/none.pdf"])
def test_a_missing_object_reads_as_missing(s3_storage, missing):
    assert not default_storage.exists(missing)
    with pytest.raises(FileNotFoundError):
        default_storage.open(missing, "rb").read()


@pytest.fixture
def hung_store():
    """An address that takes connections and never answers (a store that hangs)."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"


def test_a_hung_store_fails_the_call_instead_of_holding_it(settings, object_store, hung_store):
    from tests.objectstore import s3_storages_setting

    hung = replace(object_store, endpoint_url=hung_store)
    settings.STORAGES = s3_storages_setting(hung, "any", read_timeout=0.2, max_attempts=2)

    with pytest.raises(ReadTimeoutError):
        default_storage.exists("labels/pdf/RMA-1.pdf")


@pytest.mark.django_db
def test_readyz_names_a_hung_store(client, settings, object_store, hung_store):
    from tests.objectstore import s3_storages_setting

    settings.STORAGES = s3_storages_setting(replace(object_store, endpoint_url=hung_store), "any")

    body = client.get("/readyz").json()

    assert body["checks"]["storage"] == "failed: S3 ReadTimeoutError"
