"""Demo returns in every status, each one made by the services a real return goes through.

A return is created by the portal's or the counter's service, submitted, approved (by the policy or an agent),
gets its label from the service the label task calls, is handed in at a counter or to the carrier, received at
the warehouse's dock, inspected unit by unit with a confirmed disposition, and refunded or exchanged by the
warehouse's release. So every row a real return leaves behind (label, counter check, arrival, inspections,
dispositions, refund or exchange request, outbox messages) is there too. Only timestamps are moved afterwards.
"""

import io
import random
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth.models import User
from django.utils import timezone
from PIL import Image, ImageDraw

from rma.core.images import CheckedImage, image_check
from rma.demo.backdating import return_request_backdate
from rma.demo.scenarios import (
    COMMENTS,
    COUNTER_REFUSED,
    COUNTER_STARTED,
    HOME_PICKUPS,
    MIDDLE,
    RECEIVED_WITHOUT_TRANSIT_SCAN,
    REFUSED_CONDITIONS,
    RETURN_SCENARIOS,
    SCENARIO_AGES,
    WEARABLE,
    WORN,
    S,
    Scenario,
    exchange_sku_for,
)
from rma.locations.choices import DropOffKind, DropOffMethod
from rma.locations.models import DropOffPoint
from rma.locations.selectors import drop_off_points_near
from rma.orders.models import Order, OrderLine
from rma.returns import policy as return_policy
from rma.returns.choices import CreationChannel
from rma.returns.drop_offs import DropOffChoice
from rma.returns.models import ReasonCode, ReturnLine, ReturnRequest
from rma.returns.services import (
    ReturnLineInput,
    return_request_approve,
    return_request_cancel,
    return_request_create,
    return_request_reject,
    return_request_transition,
    return_requests_expire,
)
from rma.shipping.choices import CounterCondition
from rma.shipping.models import Label
from rma.shipping.services import label_generate
from rma.store.services.counter import CounterLineCheck, counter_return_check, counter_return_start
from rma.warehouse.choices import UnitCondition
from rma.warehouse.models import ChecklistItem
from rma.warehouse.selectors import grade_scale_for
from rma.warehouse.services import arrival_register, disposition_confirm, inspection_record, refund_release

Users = dict[str, User]


class DemoReturns:
    """Plays every scenario of RETURN_SCENARIOS on the demo orders, through the services."""

    # (status, variant) of the scenarios started at a shop's counter.
    counter_started: frozenset[tuple[str, int]] = COUNTER_STARTED

    def __init__(self, *, reasons: dict[str, ReasonCode], users: Users, seed: int) -> None:
        self.reasons = reasons
        self.users = users
        self.rng = random.Random(seed)
        self.now = timezone.now()
        self.policy = return_policy.policy_get_default()

    def seed(self, *, orders: list[Order], scenarios: tuple[tuple[str, int], ...] = RETURN_SCENARIOS) -> int:
        """Create the returns from `orders` (delivered, not from shops); returns how many were made."""
        pool = list(orders)
        made = 0
        for status, count in scenarios:
            for variant in range(count):
                scenario = Scenario(status, variant)
                order, lines = self._pick_order(pool, scenario=scenario)
                return_request = self._play(scenario=scenario, order=order, lines=lines)
                return_request_backdate(
                    return_request=return_request, order=order, status=status, now=self.now, rng=self.rng
                )
                made += 1
        return made

    # ---- choosing the order and the lines

    def _pick_order(self, pool: list[Order], *, scenario: Scenario) -> tuple[Order, list[OrderLine]]:
        """A delivered order of the right kind and age with returnable lines (the age is a preference)."""
        rng, policy, now = self.rng, self.policy, self.now
        cheap = policy.returnless_refund_below or Decimal("0.00")
        low, high = SCENARIO_AGES.get(scenario.status, MIDDLE)
        threshold = policy.review_order_value_above or Decimal("800.00")
        preferred: list[Order] = []
        others: list[Order] = []
        for order in pool:
            if order.delivered_at is None:  # the pool holds delivered orders only
                raise ValueError(f"order {order.number} was not delivered")
            if (order.total > threshold) == scenario.big:
                in_band = low <= (now - order.delivered_at).days <= high
                (preferred if in_band else others).append(order)
        rng.shuffle(preferred)
        rng.shuffle(others)
        for order in preferred + others:
            lines = []
            for line in order.lines.all():
                line.order = order
                if scenario.status == S.EXCHANGED and not exchange_sku_for(line.sku):
                    continue
                if scenario.key == WORN and line.category not in WEARABLE:
                    continue
                value = line.unit_price * line.quantity_available_for_return
                if scenario.returnless != (value < cheap):
                    continue  # a returnless scenario wants a cheap line, the others a line worth sending back
                if return_policy.line_eligibility(policy=policy, line=line, now=now).eligible:
                    lines.append(line)
            if lines:
                pool.remove(order)
                return order, lines[: 1 if scenario.returnless else rng.choice((1, 1, 2))]
        raise RuntimeError(f"No demo order is left for a return ending {scenario.status}.")

    def _line_inputs(self, lines: list[OrderLine], *, scenario: Scenario) -> list[ReturnLineInput]:
        inputs = []
        for line in lines:
            choices: tuple[str, ...]
            if line.category in ("apparel", "footwear"):
                choices = ("too-small", "too-large", "ordered-several-sizes", "changed-mind", "wrong-item")
            elif line.category == "electronics":
                choices = ("defective", "changed-mind", "better-price", "damaged-in-transit")
            else:
                choices = ("changed-mind", "damaged-in-transit", "not-as-described", "arrived-too-late", "other")
            code = self.rng.choice(choices)
            if scenario.key == WORN:
                # The customer's own choice: a worn unit deducts only under the right of withdrawal.
                code = "changed-mind"
            inputs.append(
                ReturnLineInput(
                    order_line=line,
                    quantity=line.quantity_available_for_return,
                    reason=self.reasons[code],
                    comment=self.rng.choice(COMMENTS[code]),
                    exchange_sku=exchange_sku_for(line.sku) if scenario.status == S.EXCHANGED else "",
                )
            )
        return inputs

    def _photos(self, inputs: list[ReturnLineInput]) -> dict[int, list[CheckedImage]]:
        """A customer's photo for each line whose reason asks for one (a made-up picture, checked like any other)."""
        photos = {}
        for item in inputs:
            if item.reason.requires_photo:
                picture = Image.new("RGB", (320, 240), self.rng.choice(("#b0413e", "#3e6fb0", "#6b8e23", "#c9a227")))
                ImageDraw.Draw(picture).rectangle((100, 70, 220, 170), outline="white", width=6)
                buffer = io.BytesIO()
                picture.save(buffer, format="JPEG", quality=80)
                photos[item.order_line.pk] = [image_check(buffer, name=f"{item.order_line.sku}.jpg")]
        return photos

    def _drop_off(self, order: Order, *, scenario: Scenario) -> DropOffChoice:
        if scenario.key in HOME_PICKUPS:
            pickup = timezone.localdate() + timedelta(days=2)
            if pickup.isoweekday() == 7:
                pickup += timedelta(days=1)
            return DropOffChoice(
                method=DropOffMethod.HOME_PICKUP, pickup_date=pickup, pickup_slot=return_policy.PICKUP_SLOTS[0]
            )
        kinds = {0: DropOffKind.RELAY_POINT, 1: DropOffKind.LOCKER, 2: DropOffKind.POST_OFFICE}
        kind = DropOffKind.STORE if scenario.key == COUNTER_REFUSED else kinds[scenario.variant % 3]
        return DropOffChoice(method=kind, point=self._nearest(order, kind=kind))

    @staticmethod
    def _nearest(order: Order, *, kind: str) -> DropOffPoint:
        near = drop_off_points_near(latitude=order.latitude, longitude=order.longitude, kinds=[kind], limit=1)
        return near[0].point

    # ---- the journey

    def _play(self, *, scenario: Scenario, order: Order, lines: list[OrderLine]) -> ReturnRequest:
        status, users = scenario.status, self.users
        inputs = self._line_inputs(lines, scenario=scenario)
        if scenario.key in self.counter_started:
            shop = self._nearest(order, kind=DropOffKind.STORE).store
            if shop is None:
                raise RuntimeError("A shop drop-off point of the demo has no shop.")
            return_request = counter_return_start(
                order=order,
                store=shop,
                actor=users[f"store-{shop.code}"],
                lines=inputs,
                resolution=scenario.resolution,
                locale=order.locale,
                photos=self._photos(inputs),
            )
        else:
            return_request = return_request_create(
                order=order,
                lines=inputs,
                drop_off=self._drop_off(order, scenario=scenario),
                resolution=scenario.resolution,
                locale=order.locale,
                channel=CreationChannel.PORTAL,
                submit=status != S.DRAFT,
                photos=self._photos(inputs),
            )
        if status == S.DRAFT:
            return return_request
        if return_request.status == S.NEEDS_REVIEW:
            if status == S.REJECTED:
                reason = "Commande de grande valeur : les photos envoyées ne montrent pas le défaut signalé."
                return return_request_reject(return_request=return_request, actor=users["agent"], reason=reason)
            if status == S.NEEDS_REVIEW:
                return return_request
            return_request_approve(
                return_request=return_request,
                actor=users["agent"],
                reason="Nous avons vérifié votre commande : votre retour est accepté.",
                note="Vérifié : cliente fidèle.",
            )
        # Approved: the approval requested the label (a returnless refund needs none: the approval refunded it).
        # An "approved" return keeps its label pending: the label worker makes it, as it would for a real one.
        if return_request.returnless or status == S.APPROVED:
            return return_request
        label = Label.objects.get(return_request=return_request)
        # What the label task does seconds after the approval, done here without the broker.
        label = label_generate(label_id=label.pk)
        return_request.refresh_from_db()
        if status == S.LABEL_READY:
            return return_request
        if status == S.CANCELLED:
            if scenario.key == COUNTER_REFUSED:
                self._counter_check(return_request, accepted=False)
            else:
                return_request_cancel(
                    return_request=return_request, note="Annulé par le client.", actor_label="customer"
                )
            return return_request
        if status == S.EXPIRED:
            # The customer never sent it: its deadline passed (the approval is moved back first, as it really
            # happened weeks ago), then the hourly expiry service finds it overdue.
            ReturnRequest.objects.filter(pk=return_request.pk).update(send_by=self.now - timedelta(days=1))
            return_requests_expire(now=self.now)
            return_request.refresh_from_db()
            return return_request
        self._hand_over(return_request, scenario=scenario, tracking_number=label.tracking_number or "")
        if status == S.IN_TRANSIT:
            return return_request
        warehouse = return_request.destination_warehouse
        if warehouse is None:  # every demo return is sent to a warehouse
            raise ValueError(f"return {return_request.rma_number} has no destination warehouse")
        operator = users[f"warehouse-{warehouse.code}"]
        arrival_register(code=label.tracking_number or return_request.rma_number, warehouse=warehouse, actor=operator)
        return_request.refresh_from_db()
        if status == S.RECEIVED:
            return return_request
        self._inspect(return_request, scenario=scenario, operator=operator)
        return_request.refresh_from_db()
        if status == S.INSPECTED:
            return return_request
        refund_release(return_request=return_request, actor=operator)
        return_request.refresh_from_db()
        return return_request

    def _hand_over(self, return_request: ReturnRequest, *, scenario: Scenario, tracking_number: str) -> None:
        """At a shop's counter (the counter service), or to the carrier (its first scan moves it in transit)."""
        if scenario.key == RECEIVED_WITHOUT_TRANSIT_SCAN:
            return
        if return_request.drop_off_method == DropOffMethod.STORE:
            self._counter_check(return_request, accepted=True)
            return
        point = return_request.drop_off_point
        place = point.name if point is not None else "au livreur, à domicile"
        return_request_transition(
            return_request=return_request,
            to=S.IN_TRANSIT,
            actor_label="carrier",
            note=f"Colis {tracking_number} remis à {place}.",
        )

    def _counter_check(self, return_request: ReturnRequest, *, accepted: bool) -> None:
        shop = return_request.store  # set from the shop's drop-off point when the return was made
        if shop is None:
            raise RuntimeError(f"Demo return {return_request.rma_number} has no shop to hand it in at.")
        checks = [
            CounterLineCheck(
                return_line_id=line.pk,
                condition=CounterCondition.AS_NEW if accepted else CounterCondition.WORN,
                accepted=accepted,
                refusal_reason="" if accepted else "Article porté, étiquettes retirées.",
            )
            for line in ReturnLine.objects.filter(return_request=return_request).order_by("pk")
        ]
        counter_return_check(
            return_request=return_request, store=shop, actor=self.users[f"store-{shop.code}"], checks=checks
        )

    def _inspect(self, return_request: ReturnRequest, *, scenario: Scenario, operator: User) -> None:
        """Every unit inspected and, when it arrived, its disposition confirmed as the rules suggest."""
        refused = REFUSED_CONDITIONS.get(scenario.variant) if scenario.status == S.CLOSED else None
        lines = ReturnLine.objects.filter(return_request=return_request).select_related("order_line").order_by("pk")
        for line in lines:
            category = line.order_line.category
            scale = grade_scale_for(category=category)
            if scale is None:
                raise RuntimeError("The warehouse's grade scales are missing (warehouse_reference_data_seed).")
            grades = {grade.code: grade for grade in scale.grades.all()}
            ticked = {item.code: True for item in ChecklistItem.objects.filter(category=category, is_active=True)}
            for unit in range(line.quantity):
                if refused:
                    inspection_record(
                        return_line=line,
                        unit_index=unit,
                        actor=operator,
                        condition=refused,
                        notes="Colis reçu sans l'article annoncé."
                        if refused == UnitCondition.MISSING
                        else "Un autre article que celui annoncé.",
                    )
                    continue
                grade_code = "C" if scenario.key == WORN else self.rng.choice(("A", "A", "B"))
                checklist = ticked if grade_code == "A" else {**ticked, next(iter(ticked)): False}
                inspection = inspection_record(
                    return_line=line,
                    unit_index=unit,
                    actor=operator,
                    grade=grades[grade_code],
                    checklist=checklist,
                    serial_number=f"SN{line.order_line.pk:06d}{unit}" if line.order_line.has_serial_number else "",
                    notes="Traces de port visibles." if grade_code == "C" else "",
                )
                disposition_confirm(inspection=inspection, actor=operator)
