"""Sending work to the Celery broker without losing it when the broker is away.

Long work (a roster import's check and write, a report by period) is first a row in the
database in a waiting state; the task only carries its id, and claims the row with a
conditional update (a second delivery does nothing). So a task that could not be sent is not
lost: ``send_on_commit`` logs it and leaves the row waiting, and each app's beat job
(``requeue_waiting``) sends again what has waited longer than ``STALE`` — which is also safe
when the first message was sent after all.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from functools import partial

from django.db import transaction
from kombu.exceptions import OperationalError as BrokerError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

log = logging.getLogger(__name__)

UNREACHABLE = (BrokerError, RedisConnectionError, RedisTimeoutError, ConnectionError)
STALE = timedelta(minutes=2)  # a waiting row older than this is sent again by the beat


def send(task, *args) -> bool:
    """Send ``task(*args)`` now; ``False`` (logged) when the broker cannot take it."""
    try:
        task.apply_async(args)
    except UNREACHABLE as exc:
        log.warning("broker unreachable (%s): %s%r waits for the beat to send it again",
                    type(exc).__name__, task.name, args)
        return False
    return True


def send_on_commit(task, *args) -> None:
    """Send ``task(*args)`` once the current transaction commits (the row it reads is then
    visible); a broker that is down leaves the row waiting instead of failing the request."""
    transaction.on_commit(partial(send, task, *args))


def requeue(task, ids) -> int:
    """Send ``task(id)`` for each waiting row's id; how many were sent."""
    return sum(send(task, pk) for pk in ids)
