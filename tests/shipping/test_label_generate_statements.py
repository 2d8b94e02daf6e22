"""What a label costs the database: the statements label_generate runs, pinned, and what they still write."""

import pytest

from rma.notifications.models import OutboxMessage
from rma.returns.choices import ReturnStatus
from rma.returns.message_content import payload_lines
from rma.returns.models import ReturnEvent, ReturnRequest
from rma.shipping.choices import LabelStatus
from rma.shipping.models import Label
from rma.shipping.services import label_generate
from rma.shipping.services.label_content import LabelError

pytestmark = pytest.mark.django_db

# The return and its label found and locked together, the return's lines, the tracking number's check, the
# label's update, the return's update, its event, the label_ready email (one INSERT … ON CONFLICT … RETURNING), and
# the savepoint of label_generate's transaction inside the test's: 9. Alone in its transaction (a worker), BEGIN and
# COMMIT.
LABEL_GENERATE_STATEMENTS = 9


@pytest.fixture
def pending_label(make_return) -> Label:
    """An approved return with two lines whose label task has not run (its callbacks are not executed)."""
    return_request = make_return(lines=2)
    label = Label.objects.get(return_request=return_request)
    assert label.status == LabelStatus.PENDING
    return label


def test_a_label_is_made_with_a_fixed_number_of_statements(pending_label, django_assert_num_queries):
    with django_assert_num_queries(LABEL_GENERATE_STATEMENTS):
        label = label_generate(label_id=pending_label.pk)

    assert label.status == LabelStatus.READY
    return_request = ReturnRequest.objects.get(pk=pending_label.return_request_id)
    assert return_request.status == ReturnStatus.LABEL_READY
    event = ReturnEvent.objects.filter(return_request=return_request).latest("id")
    assert (event.from_status, event.to_status) == (ReturnStatus.APPROVED, ReturnStatus.LABEL_READY)
    assert label.tracking_number is not None
    assert label.tracking_number in event.note


def test_the_label_ready_email_shows_what_a_fresh_read_shows(pending_label):
    """The lines and the label read under the lock feed the email: the same lines and tracking number as a new
    read of the committed rows gives."""
    label = label_generate(label_id=pending_label.pk)

    return_request = ReturnRequest.objects.get(pk=pending_label.return_request_id)
    email = OutboxMessage.objects.get(dedupe_key=f"return:{return_request.public_id}:label_ready:customer-email")
    assert email.payload["tracking_number"] == label.tracking_number == Label.objects.get(pk=label.pk).tracking_number
    assert email.payload["lines"] == payload_lines(return_request)
    assert len(email.payload["lines"]) == 2


def test_generating_a_ready_label_again_reads_one_row(pending_label, django_assert_num_queries):
    label_generate(label_id=pending_label.pk)

    with django_assert_num_queries(3):  # savepoint, the return and its label locked together, release
        again = label_generate(label_id=pending_label.pk)

    assert again.status == LabelStatus.READY
    assert OutboxMessage.objects.filter(topic="label_ready").count() == 1


def test_a_label_that_does_not_exist_is_not_found():
    with pytest.raises(Label.DoesNotExist):
        label_generate(label_id=2_000_000_000)


def test_a_label_of_no_return_is_refused_and_left_as_it_is(db):
    label = Label.objects.create(carrier="builtin", status=LabelStatus.PENDING)

    with pytest.raises(LabelError) as refused:
        label_generate(label_id=label.pk)

    assert refused.value.code == "label_without_return"
    label.refresh_from_db()
    assert (label.status, label.tracking_number, label.attempts) == (LabelStatus.PENDING, None, 0)
