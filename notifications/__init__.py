"""E-mail: rendered into the outbox in the caller's transaction, delivered by a worker later.

`enqueue_email` is what domain code calls; `DeliveryWorker` is what `portal serve` runs.
"""

from notifications.outbox import enqueue_email
from notifications.rendering import TEMPLATE_PARAMS, EmailTemplateError, RenderedEmail, render
from notifications.worker import DeliveryWorker

__all__ = [
    "TEMPLATE_PARAMS",
    "DeliveryWorker",
    "EmailTemplateError",
    "RenderedEmail",
    "enqueue_email",
    "render",
]
