"""A stand-in for the SMTP server: Django's locmem backend that can be told to fail the next sends."""

from collections import deque
from typing import Any

from django.core.mail.backends.locmem import EmailBackend


class ScriptedEmailBackend(EmailBackend):
    """Raises the queued exceptions, one per send, then delivers to mail.outbox; records every attempt."""

    failures: deque[BaseException] = deque()
    attempted_message_ids: list[str] = []

    @classmethod
    def reset(cls, *failures: BaseException) -> None:
        cls.failures = deque(failures)
        cls.attempted_message_ids = []

    def send_messages(self, email_messages: Any) -> int:
        for message in email_messages:
            type(self).attempted_message_ids.append(message.extra_headers.get("Message-ID", ""))
        if type(self).failures:
            raise type(self).failures.popleft()
        return super().send_messages(email_messages)
