"""Emails from the outbox: rendered in the message's language from templates/emails/<lang>/<topic>.*, sent once.

Each topic has three templates per language: ``<topic>.subject.txt``, ``<topic>.txt`` (extends
``emails/base.txt``) and ``<topic>.html`` (extends ``emails/base.html``). The Message-ID is derived from the
outbox row's delivery id, so a repeated send after a crash carries the same Message-ID as the first.
"""

import re
import smtplib
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.dateparse import parse_date, parse_datetime

from rma.notifications.exceptions import DeliveryFailed
from rma.notifications.signatures import DELIVERY_HEADER, TOPIC_HEADER

SUPPORTED_LANGUAGES = ("fr", "en")
DEFAULT_EMAIL_TIMEOUT_SECONDS = 30
_TOPIC_RE = re.compile(r"^[a-z0-9_]+$")
_DATE_SUFFIXES = ("_at", "_by", "_date", "_on")


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


def email_language(locale: str) -> str:
    """The template language for a locale such as "fr", "fr-FR" or "en_GB"; French when unsupported."""
    language = (locale or "").replace("_", "-").split("-")[0].lower()
    if language in SUPPORTED_LANGUAGES:
        return language
    default = (settings.LANGUAGE_CODE or "fr").split("-")[0].lower()
    return default if default in SUPPORTED_LANGUAGES else SUPPORTED_LANGUAGES[0]


def _template_topic(topic: str) -> str:
    name = topic.replace(".", "_").replace("-", "_").lower()
    if not _TOPIC_RE.match(name):
        raise DeliveryFailed(f"No email templates can exist for topic {topic!r}.", permanent=True)
    return name


def _typed(value: Any, key: str = "") -> Any:
    """The payload with its ISO dates (keys ending in _at, _by, _date, _on) parsed, for the |date filter."""
    if isinstance(value, dict):
        return {k: _typed(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_typed(v) for v in value]
    if isinstance(value, str) and key.endswith(_DATE_SUFFIXES):
        try:
            parsed = parse_date(value) if len(value) == 10 else parse_datetime(value)
        except ValueError:  # looks like a date but is not one: show it as it is
            parsed = None
        return parsed or value
    return value


def email_render(*, topic: str, locale: str, payload: dict[str, Any]) -> RenderedEmail:
    """Subject, plain text and HTML of an email, in the language of `locale`."""
    language = email_language(locale)
    name = f"emails/{language}/{_template_topic(topic)}"
    context = {
        **_typed(payload),
        "brand_name": settings.RMA_BRAND_NAME,
        "brand_color": settings.RMA_BRAND_PRIMARY_COLOR,
        "public_base_url": settings.RMA_PUBLIC_BASE_URL.rstrip("/"),
        "language": language,
    }
    with translation.override(language):
        # Plain str: both are tidied below, which drops the "safe" mark a rendered template carries.
        subject: str = render_to_string(f"{name}.subject.txt", context)
        text: str = render_to_string(f"{name}.txt", context)
        html = render_to_string(f"{name}.html", context)
    # One line: a template's newline must never become a header break (no-break spaces of French typography stay).
    subject = re.sub(r"[ \t\r\n\f\v]+", " ", subject).strip()
    text = re.sub(r"\n{3,}", "\n\n", text.strip()) + "\n"
    return RenderedEmail(subject=subject, text=text, html=html)


def email_message_id(*, delivery_id: str) -> str:
    """A Message-ID that is the same for every attempt at the same outbox message."""
    domain = urlsplit(settings.RMA_PUBLIC_BASE_URL).hostname or "localhost"
    return f"<{delivery_id}@{domain}>"


def email_build(
    *, topic: str, locale: str, destination: str, payload: dict[str, Any], delivery_id: str
) -> EmailMultiAlternatives:
    """The email for an outbox message; rendering problems are permanent (retrying would render the same)."""
    try:
        rendered = email_render(topic=topic, locale=locale, payload=payload)
    except DeliveryFailed:
        raise
    except Exception as exc:  # noqa: BLE001 - any template error: dead-letter with the reason, replay once fixed
        error = f"Cannot render the {topic!r} email: {type(exc).__name__}: {exc}"
        raise DeliveryFailed(error, permanent=True) from exc
    email = EmailMultiAlternatives(
        subject=rendered.subject,
        body=rendered.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[destination],
        headers={
            "Message-ID": email_message_id(delivery_id=delivery_id),
            DELIVERY_HEADER: delivery_id,
            TOPIC_HEADER: topic,
            "Auto-Submitted": "auto-generated",  # RFC 3834: no vacation auto-replies to a notification
        },
    )
    email.attach_alternative(rendered.html, "text/html")
    return email


def email_send(*, topic: str, locale: str, destination: str, payload: dict[str, Any], delivery_id: str) -> None:
    """Render and send; raises DeliveryFailed, permanent for 5xx SMTP answers and bad addresses."""
    if "@" not in destination:
        raise DeliveryFailed(f"Not an email address: {destination!r}.", permanent=True)
    email = email_build(topic=topic, locale=locale, destination=destination, payload=payload, delivery_id=delivery_id)
    timeout = settings.EMAIL_TIMEOUT or DEFAULT_EMAIL_TIMEOUT_SECONDS
    try:
        email.connection = get_connection(timeout=timeout)
        sent = email.send(fail_silently=False)
    except smtplib.SMTPRecipientsRefused as exc:
        codes = [code for code, _ in exc.recipients.values()]
        permanent = bool(codes) and all(500 <= code < 600 for code in codes)
        raise DeliveryFailed(f"Recipient refused: {exc.recipients}", permanent=permanent) from exc
    except smtplib.SMTPResponseException as exc:
        raise DeliveryFailed(
            f"SMTP {exc.smtp_code}: {exc.smtp_error!r}", permanent=500 <= exc.smtp_code < 600
        ) from exc
    except (smtplib.SMTPException, OSError) as exc:
        raise DeliveryFailed(f"{type(exc).__name__}: {exc}") from exc
    if sent != 1:
        raise DeliveryFailed("The email backend sent nothing.", permanent=True)
