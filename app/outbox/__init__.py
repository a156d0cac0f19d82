"""The durable outbox: every Trello write and mail is queued in the transaction of the change
that causes it, and carried out later by the worker, in order per lane, with retries.

queue: enqueue · lanes: which entries keep their order · operations: who carries out what ·
runner: claim, lease, carry out, back off.
"""

from app.outbox import lanes
from app.outbox.operations import Operations, PermanentError
from app.outbox.queue import enqueue, operations, pending_count
from app.outbox.runner import lease, run_due, run_entry

__all__ = [
    "Operations",
    "PermanentError",
    "enqueue",
    "lanes",
    "lease",
    "operations",
    "pending_count",
    "run_due",
    "run_entry",
]
