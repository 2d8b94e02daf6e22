"""``manage.py storage_bucket_create [--wait SECONDS]``: make the bucket RMA_S3_BUCKET names, if it is not there.

For a fresh S3-compatible store (compose's object store, a new MinIO): run once before the web and worker processes
start; safe to run at every start (a bucket already there is left as it is). Waits for the store to answer, up to
``--wait`` seconds, since it may start at the same time. Without RMA_S3_BUCKET (files in the local folder) it does
nothing. The bucket is made private (no ACL sent): objects are only ever served through the portal's views.
"""

import time
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError
from django.core.files.storage import storages
from django.core.management.base import BaseCommand, CommandError, CommandParser
from storages.backends.s3 import S3Storage

from rma.core.private_files import storage_is_down

# Regions in which S3's CreateBucket takes no location constraint (AWS refuses one there).
DEFAULT_REGIONS = ("", "us-east-1")


class Command(BaseCommand):
    help = "Make the bucket of RMA_S3_BUCKET when it does not exist yet (nothing to do without a bucket)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--wait", type=float, default=0.0, help="Seconds to wait for the store to answer (default: do not wait)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        storage = storages["default"]
        if not isinstance(storage, S3Storage):
            self.stdout.write("Files are kept in the local folder (RMA_S3_BUCKET is not set): no bucket to make.")
            return
        client = storage.connection.meta.client
        bucket = storage.bucket_name
        deadline = time.monotonic() + options["wait"]
        while True:
            try:
                made = self._bucket_ensure(client, bucket, storage.region_name or "")
                break
            except (BotoCoreError, ClientError) as error:
                if not storage_is_down(error):
                    raise CommandError(f"The store refused to make bucket {bucket!r}: {error}") from error
                if time.monotonic() >= deadline:
                    raise CommandError(f"The object store does not answer: {error}") from error
                time.sleep(1.0)
        self.stdout.write(f"Bucket {bucket!r} {'made' if made else 'already there'}.")

    def _bucket_ensure(self, client: Any, bucket: str, region: str) -> bool:
        """True when the bucket was made now; False when it was there already."""
        try:
            client.head_bucket(Bucket=bucket)
            return False
        except ClientError as error:
            if error.response.get("ResponseMetadata", {}).get("HTTPStatusCode") != 404:
                raise
        params: dict[str, Any] = {"Bucket": bucket}
        if region not in DEFAULT_REGIONS:
            params["CreateBucketConfiguration"] = {"LocationConstraint": region}
        try:
            client.create_bucket(**params)
        except ClientError as error:
            # Made meanwhile by another start (two one-shots at once): as good as made here. A bucket of that name
            # owned by someone else (BucketAlreadyExists) is an error: choose another name.
            if error.response.get("Error", {}).get("Code") != "BucketAlreadyOwnedByYou":
                raise
            return False
        return True
