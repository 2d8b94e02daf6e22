"""Public ids as they arrive from outside: URLs, request bodies, scanned codes."""

import uuid


def uuid_parse(value: object) -> uuid.UUID | None:
    """The UUID that `value` spells (a UUID stays as it is), or None when it spells none: a malformed id finds
    nothing, it is not an error."""
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None
