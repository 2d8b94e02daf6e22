"""The return admin: list without N+1, transitions through the services, status never edited by hand."""

import pytest
from django.contrib import messages
from django.contrib.auth.models import Permission
from django.db import connection
from django.db.models.signals import pre_save
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rma.returns.choices import ReturnStatus
from rma.returns.models import ReturnEvent, ReturnRequest
from tests.core.admin_support import change_form_data, policy  # noqa: F401 - fixture
from tests.core.factories import UserFactory
from tests.locations.factories import DropOffPointFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:returns_returnrequest_changelist"


def change_url(return_request):
    return reverse("admin:returns_returnrequest_change", args=(return_request.pk,))


def transition_url(return_request, name):
    return reverse("admin:returns_returnrequest_transition", args=(return_request.pk, name))


def run_action(client, action, *return_requests, **extra):
    return client.post(
        reverse(CHANGELIST),
        {"action": action, "_selected_action": [r.pk for r in return_requests], "index": 0, **extra},
        follow=True,
    )


def shown(response):
    return [(m.level, m.message) for m in response.context["messages"]]


def refreshed(return_request):
    return ReturnRequest.objects.get(pk=return_request.pk)


# ---- Changelist


def test_changelist_query_count_does_not_grow_with_rows(admin_client, make_return):
    for _ in range(3):
        make_return()
    with CaptureQueriesContext(connection) as three:
        response = admin_client.get(reverse(CHANGELIST))
    assert response.context["cl"].result_count == 3

    for _ in range(17):
        make_return()
    with CaptureQueriesContext(connection) as twenty:
        response = admin_client.get(reverse(CHANGELIST))
    assert response.context["cl"].result_count == 20
    assert len(response.context["cl"].result_list) == 20

    assert len(twenty) == len(three)


def test_event_changelist_query_count_does_not_grow_with_rows(admin_client, make_return):
    make_return()
    with CaptureQueriesContext(connection) as few:
        admin_client.get(reverse("admin:returns_returnevent_changelist"))
    for _ in range(5):
        make_return()
    with CaptureQueriesContext(connection) as many:
        response = admin_client.get(reverse("admin:returns_returnevent_changelist"))

    assert response.context["cl"].result_count == 6 * 3  # draft, submitted, needs_review each
    assert len(many) == len(few)


def test_changelist_filters_by_status_and_searches_by_rma_number(admin_client, make_return):
    waiting = make_return()
    draft = make_return(submit=False)

    by_status = admin_client.get(reverse(CHANGELIST), {"status__exact": ReturnStatus.DRAFT})
    by_number = admin_client.get(reverse(CHANGELIST), {"q": waiting.rma_number})

    assert list(by_status.context["cl"].result_list) == [draft]
    assert list(by_number.context["cl"].result_list) == [waiting]


# ---- Actions


def test_approve_action_approves_a_return_under_review_as_the_admin_user(admin_client, admin_user, make_return):
    return_request = make_return()
    assert return_request.status == ReturnStatus.NEEDS_REVIEW

    response = run_action(admin_client, "approve_selected", return_request)

    return_request.refresh_from_db()
    assert return_request.status == ReturnStatus.APPROVED
    assert return_request.approved_at is not None
    event = return_request.events.latest("id")
    assert (event.from_status, event.to_status, event.actor) == ("needs_review", "approved", admin_user)
    assert event.actor_label == admin_user.username
    [(level, message)] = shown(response)
    assert level == messages.SUCCESS
    assert return_request.rma_number in message


def test_action_reports_each_refusal_and_still_moves_the_others(admin_client, make_return):
    waiting = make_return()
    draft = make_return(submit=False)
    events_before = ReturnEvent.objects.filter(return_request=draft).count()

    response = run_action(admin_client, "approve_selected", waiting, draft)

    assert response.status_code == 200
    assert refreshed(waiting).status == ReturnStatus.APPROVED
    assert refreshed(draft).status == ReturnStatus.DRAFT
    assert ReturnEvent.objects.filter(return_request=draft).count() == events_before
    levels = dict(shown(response))
    assert draft.rma_number in levels[messages.ERROR]
    assert waiting.rma_number in levels[messages.SUCCESS]
    assert draft.rma_number not in levels[messages.SUCCESS]


def test_action_on_a_return_in_the_wrong_status_changes_nothing_and_shows_an_error(admin_client, make_return):
    rejected = make_return()
    run_action(admin_client, "reject_selected", rejected, apply="1", note="Worn")
    assert refreshed(rejected).status == ReturnStatus.REJECTED

    for action in ("submit_selected", "approve_selected", "cancel_selected"):
        response = run_action(admin_client, action, rejected)

        assert response.status_code == 200
        assert refreshed(rejected).status == ReturnStatus.REJECTED
        [(level, message)] = shown(response)
        assert level == messages.ERROR
        assert rejected.rma_number in message


def test_submit_action_submits_a_draft_and_the_policy_sends_it_to_review(admin_client, admin_user, make_return):
    draft = make_return(submit=False)

    run_action(admin_client, "submit_selected", draft)

    draft.refresh_from_db()
    assert draft.status == ReturnStatus.NEEDS_REVIEW
    assert draft.submitted_at is not None
    assert draft.events.get(to_status=ReturnStatus.SUBMITTED).actor == admin_user


def test_cancel_action_cancels_and_gives_the_units_back_to_the_order(admin_client, admin_user, make_return):
    return_request = make_return()
    order_line = return_request.lines.get().order_line
    order_line.refresh_from_db()
    assert order_line.quantity_in_returns == 1

    run_action(admin_client, "cancel_selected", return_request)

    assert refreshed(return_request).status == ReturnStatus.CANCELLED
    assert return_request.events.latest("id").actor == admin_user
    order_line.refresh_from_db()
    assert order_line.quantity_in_returns == 0


def test_reject_action_first_asks_for_a_note(admin_client, make_return):
    return_request = make_return()

    response = run_action(admin_client, "reject_selected", return_request)

    assert response.status_code == 200
    assert [t.name for t in response.templates][0] == "admin/returns/returnrequest_reject.html"
    assert "note" in response.context["form"].fields
    assert response.context["return_requests"] == [return_request]
    assert refreshed(return_request).status == ReturnStatus.NEEDS_REVIEW


@pytest.mark.parametrize("note", ["", "   "])
def test_reject_action_without_a_note_shows_the_form_again_and_changes_nothing(admin_client, make_return, note):
    return_request = make_return()
    events_before = return_request.events.count()

    response = run_action(admin_client, "reject_selected", return_request, apply="1", note=note)

    assert response.status_code == 200
    assert [t.name for t in response.templates][0] == "admin/returns/returnrequest_reject.html"
    assert response.context["form"].errors["note"]
    assert refreshed(return_request).status == ReturnStatus.NEEDS_REVIEW
    assert return_request.events.count() == events_before


def test_reject_action_with_a_note_rejects_each_return_with_that_note(admin_client, admin_user, make_return):
    first, second = make_return(), make_return()

    response = run_action(admin_client, "reject_selected", first, second, apply="1", note="Item worn and washed.")

    for return_request in (first, second):
        assert refreshed(return_request).status == ReturnStatus.REJECTED
        event = return_request.events.latest("id")
        assert (event.to_status, event.reason, event.actor) == ("rejected", "Item worn and washed.", admin_user)
    [(level, message)] = shown(response)
    assert level == messages.SUCCESS
    assert first.rma_number in message
    assert second.rma_number in message


def test_staff_who_may_only_view_returns_cannot_run_transitions(client, make_return):
    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_returnrequest"))
    client.force_login(viewer)
    return_request = make_return()

    changelist = client.get(reverse(CHANGELIST))
    run_action(client, "approve_selected", return_request)
    button = client.post(transition_url(return_request, "approve"))

    assert changelist.status_code == 200
    assert "approve_selected" not in changelist.content.decode()
    assert button.status_code == 403
    assert refreshed(return_request).status == ReturnStatus.NEEDS_REVIEW


# ---- Change page


def test_status_cannot_be_edited_on_the_change_form(admin_client, make_return):
    return_request = make_return()
    page = admin_client.get(change_url(return_request))
    assert "status" not in page.context["adminform"].form.fields
    data = change_form_data(page)
    data.update(status=ReturnStatus.APPROVED, contact_name="Chloé M.", rma_number="R-HACK-HACK", fee_amount="0")

    response = admin_client.post(change_url(return_request), data)

    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    saved = refreshed(return_request)
    assert saved.contact_name == "Chloé M."
    assert saved.status == ReturnStatus.NEEDS_REVIEW
    assert saved.rma_number == return_request.rma_number
    assert saved.fee_amount == return_request.fee_amount
    assert saved.events.count() == return_request.events.count()


def test_change_form_save_does_not_overwrite_a_transition_made_meanwhile(admin_client, make_return):
    return_request = make_return()
    data = change_form_data(admin_client.get(change_url(return_request)))
    data["contact_name"] = "Chloé M."

    def approve_meanwhile(sender, instance, **kwargs):
        # Another request approves the return after the admin loaded it and before it writes.
        pre_save.disconnect(approve_meanwhile, sender=ReturnRequest)
        ReturnRequest.objects.filter(pk=instance.pk).update(status=ReturnStatus.APPROVED)

    pre_save.connect(approve_meanwhile, sender=ReturnRequest)
    try:
        response = admin_client.post(change_url(return_request), data)
    finally:
        pre_save.disconnect(approve_meanwhile, sender=ReturnRequest)

    assert response.status_code == 302
    saved = refreshed(return_request)
    assert saved.contact_name == "Chloé M."
    assert saved.status == ReturnStatus.APPROVED


def test_change_form_refuses_a_drop_off_point_of_another_kind(admin_client, make_return):
    return_request = make_return()
    locker = DropOffPointFactory(kind="locker")
    data = change_form_data(admin_client.get(change_url(return_request)))
    data["drop_off_point"] = locker.pk

    response = admin_client.post(change_url(return_request), data)

    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors()
    assert refreshed(return_request).drop_off_point_id == return_request.drop_off_point_id


def test_change_page_offers_the_transitions_the_status_allows(admin_client, make_return):
    content = admin_client.get(change_url(make_return())).content.decode()

    for name in ("approve", "reject", "cancel"):
        assert f"/transition/{name}/" in content
    assert "/transition/submit/" not in content


def test_approve_button_approves_and_returns_to_the_change_page(admin_client, admin_user, make_return):
    return_request = make_return()

    response = admin_client.post(transition_url(return_request, "approve"))

    assert response.status_code == 302
    assert response["Location"] == change_url(return_request)
    return_request.refresh_from_db()
    assert return_request.status == ReturnStatus.APPROVED
    assert return_request.events.latest("id").actor == admin_user


def test_transition_buttons_only_answer_post(admin_client, make_return):
    return_request = make_return()

    assert admin_client.get(transition_url(return_request, "approve")).status_code == 405
    assert admin_client.post(transition_url(return_request, "explode")).status_code == 404
    assert refreshed(return_request).status == ReturnStatus.NEEDS_REVIEW


def test_button_in_the_wrong_status_shows_the_error_on_the_change_page(admin_client, make_return):
    draft = make_return(submit=False)

    response = admin_client.post(transition_url(draft, "approve"), follow=True)

    assert response.redirect_chain[-1][0] == change_url(draft)
    [(level, message)] = shown(response)
    assert level == messages.ERROR
    assert draft.rma_number in message
    assert refreshed(draft).status == ReturnStatus.DRAFT


def test_reject_button_asks_for_a_note_then_rejects(admin_client, admin_user, make_return):
    return_request = make_return()
    url = transition_url(return_request, "reject")

    form_page = admin_client.get(url)
    empty = admin_client.post(url, {"apply": "1", "note": ""})
    assert refreshed(return_request).status == ReturnStatus.NEEDS_REVIEW
    done = admin_client.post(url, {"apply": "1", "note": "Outside the window."})

    assert form_page.status_code == 200
    assert empty.status_code == 200
    assert empty.context["form"].errors["note"]
    assert done.status_code == 302
    return_request.refresh_from_db()
    assert return_request.status == ReturnStatus.REJECTED
    assert return_request.events.latest("id").reason == "Outside the window."


def test_returns_cannot_be_added_or_deleted_in_the_admin(admin_client, make_return):
    return_request = make_return()

    assert admin_client.get(reverse("admin:returns_returnrequest_add")).status_code == 403
    delete_url = reverse("admin:returns_returnrequest_delete", args=(return_request.pk,))
    assert admin_client.get(delete_url).status_code == 403
    assert ReturnRequest.objects.filter(pk=return_request.pk).exists()


# ---- Agents: approve and reject by their permission, internal notes inline


@pytest.fixture
def agent_client(client):
    """The seeded agent's role: is_staff, in the agent group (with the group's permissions made by migrate)."""
    client.force_login(UserFactory(username="agent-admin", roles=["agent"], is_staff=True))
    return client


def test_an_agent_approves_and_rejects_from_the_admin(agent_client, make_return):
    first, second = make_return(), make_return()

    page = agent_client.get(change_url(first))
    approved = agent_client.post(transition_url(first, "approve"))
    rejected = agent_client.post(transition_url(second, "reject"), {"apply": "1", "note": "Hors délai."})

    assert page.status_code == 200
    assert transition_url(first, "approve") in page.content.decode()
    assert approved.status_code == 302
    assert rejected.status_code == 302
    assert refreshed(first).status == ReturnStatus.APPROVED
    assert refreshed(second).status == ReturnStatus.REJECTED
    assert second.events.latest("id").reason == "Hors délai."


def test_staff_who_may_change_but_not_review_see_no_decision_and_get_403(client, make_return):
    editor = UserFactory(is_staff=True)
    editor.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_returnrequest", "change_returnrequest"])
    )
    client.force_login(editor)
    return_request = make_return()

    page = client.get(change_url(return_request))
    changelist = client.get(reverse(CHANGELIST))
    button = client.post(transition_url(return_request, "approve"))

    assert transition_url(return_request, "approve") not in page.content.decode()
    assert transition_url(return_request, "cancel") in page.content.decode()
    assert "approve_selected" not in changelist.content.decode()
    assert button.status_code == 403
    assert refreshed(return_request).status == ReturnStatus.NEEDS_REVIEW


def test_an_agent_adds_an_internal_note_inline_and_it_is_never_edited(agent_client, make_return):
    return_request = make_return()
    page = agent_client.get(change_url(return_request))
    data = change_form_data(page)
    data["notes-0-body"] = "Cliente rappelée, accord pour un échange."

    saved = agent_client.post(change_url(return_request), data)
    again = agent_client.get(change_url(return_request))

    assert saved.status_code == 302
    [note] = return_request.notes.all()
    assert (note.body, note.author_label) == ("Cliente rappelée, accord pour un échange.", "agent-admin")
    assert "Cliente rappelée" in again.content.decode()
    assert 'name="notes-0-body"' not in again.content.decode()  # the saved note is shown, not editable
