"""Factories for the return's reference data, and returns made through the real service."""

from factory.django import DjangoModelFactory

from rma.returns.choices import LegalBasis, Responsibility
from rma.returns.models import ReasonCode, ReturnPolicy


class ReasonCodeFactory(DjangoModelFactory[ReasonCode]):
    class Meta:
        model = ReasonCode
        django_get_or_create = ("code",)

    code = "too-small"
    label_fr = "Trop petit"
    label_en = "Too small"
    responsibility = Responsibility.CUSTOMER
    legal_basis = LegalBasis.WITHDRAWAL


class ReturnPolicyFactory(DjangoModelFactory[ReturnPolicy]):
    class Meta:
        model = ReturnPolicy

    name = "Standard"
    is_default = True
