"""What to do with each inspected unit: the rules suggest, the operator confirms or overrides."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from rma.core.exceptions import Conflict, DomainError
from rma.returns.models import ReturnLine
from rma.warehouse.choices import Derogation, DispositionKind, UnitCondition
from rma.warehouse.models import Disposition, DispositionRule, Inspection
from rma.warehouse.selectors.units import disposition_rules_active
from rma.warehouse.services.common import Actor, actor_name, actor_or_none, return_request_lock
from rma.warehouse.services.inspection import _ensure_inspectable, return_request_complete_if_inspected


@dataclass(frozen=True)
class Suggestion:
    kind: str  # "" when no rule matches
    rule: DispositionRule | None

    @property
    def label(self) -> str:
        return str(DispositionKind(self.kind).label) if self.kind else ""


def unit_age_days(*, line: ReturnLine, at: datetime | None = None) -> int:
    """Days from the order's delivery (or placing, when not delivered) to the inspection."""
    order = line.order_line.order
    start = order.delivered_at or order.placed_at
    return max((timezone.localdate(at or timezone.now()) - timezone.localdate(start)).days, 0)


def rule_matches(*, rule: DispositionRule, category: str, grade_code: str, reason_id: int | None, age: int) -> bool:
    return (
        (not rule.category or rule.category == category)
        and (not rule.grade_code or rule.grade_code == grade_code)
        and (rule.reason_id is None or rule.reason_id == reason_id)
        and (rule.min_age_days is None or age >= rule.min_age_days)
        and (rule.max_age_days is None or age <= rule.max_age_days)
    )


def disposition_suggest(*, inspection: Inspection, rules: Sequence[DispositionRule] | None = None) -> Suggestion:
    """The first active rule, by position, that matches the unit's category, grade, reason and age."""
    if inspection.condition != UnitCondition.RECEIVED or inspection.grade is None:
        return Suggestion("", None)
    line = inspection.return_line
    age = unit_age_days(line=line, at=inspection.inspected_at)
    for rule in disposition_rules_active() if rules is None else rules:
        if rule_matches(
            rule=rule,
            category=line.order_line.category,
            grade_code=inspection.grade.code,
            reason_id=line.reason_id,
            age=age,
        ):
            return Suggestion(rule.disposition, rule)
    return Suggestion("", None)


@transaction.atomic
def disposition_confirm(
    *,
    inspection: Inspection,
    actor: Actor,
    kind: str = "",
    override_reason: str = "",
    derogation: str = "",
    derogation_note: str = "",
) -> Disposition:
    """Confirm the suggested disposition (no `kind`, or the same kind) or override it with a reason.

    Destroying needs a legal derogation (AGEC, ESPR art. 25). The last disposition of a return moves it to
    "inspected". Two operators on the same unit: the second is told who confirmed first.
    """
    locked = return_request_lock(pk=inspection.return_line.return_request_id)
    inspection = Inspection.objects.select_related(
        "grade", "return_line__order_line__order", "return_line__reason"
    ).get(pk=inspection.pk)
    # Who was first matters more to the second operator than the return's new status.
    existing = Disposition.objects.select_related("confirmed_by").filter(inspection=inspection).first()
    if existing is not None:
        raise Conflict(
            _("%(who)s already confirmed “%(kind)s” for this unit on %(when)s.")
            % {
                "who": actor_name(existing.confirmed_by),
                "kind": DispositionKind(existing.kind).label,
                "when": date_format(timezone.localtime(existing.confirmed_at), "DATETIME_FORMAT"),
            },
            code="disposition_already_confirmed",
        )
    _ensure_inspectable(locked=locked)
    if inspection.condition != UnitCondition.RECEIVED:
        raise DomainError(_("Only a received unit gets a disposition."), code="no_disposition_needed")
    suggestion = disposition_suggest(inspection=inspection)
    kind = kind or suggestion.kind
    if not kind:
        raise DomainError(_("No rule suggests a disposition: choose one."), code="disposition_required")
    if kind not in DispositionKind.values:
        raise DomainError(_("Unknown disposition."), code="invalid_disposition")
    overridden = bool(suggestion.kind) and kind != suggestion.kind
    override_reason = override_reason.strip()
    if overridden and not override_reason:
        raise DomainError(
            _("Say why you do not follow the suggestion (“%(kind)s”).") % {"kind": suggestion.label},
            code="override_reason_required",
        )
    if kind == DispositionKind.DESTROY:
        if derogation not in Derogation.values:
            raise DomainError(
                _("Destroying a product is forbidden unless a legal derogation applies: choose it."),
                code="derogation_required",
                extra={"derogations": Derogation.values},
            )
    else:
        derogation, derogation_note = "", ""
    disposition = Disposition.objects.create(
        inspection=inspection,
        kind=kind,
        suggested_kind=suggestion.kind,
        rule=suggestion.rule,
        overridden=overridden,
        override_reason=override_reason if overridden else "",
        derogation=derogation,
        derogation_note=derogation_note.strip(),
        confirmed_by=actor_or_none(actor),
        confirmed_at=timezone.now(),
    )
    return_request_complete_if_inspected(locked=locked, actor=actor)
    return disposition
