"""Signals for apps downstream of returns (shipping, warehouse), which returns must not import.

`return_status_changed` is sent inside the transaction of the change, after the event is written,
so that receivers can write their own rows (a label to generate, an outbox message) atomically.
"""

from django.dispatch import Signal

# Arguments: return_request, from_status, to_status, actor
return_status_changed = Signal()
