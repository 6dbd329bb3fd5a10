"""Templates -> subject, plain text and HTML, in the recipient's locale (sv or en).

Each template is three files per locale in `templates/`: `<name>.<locale>.subject.txt`,
`<name>.<locale>.txt` and `<name>.<locale>.html`; partials start with `_`. One flat folder,
because the package data (pyproject.toml) takes `templates/*`. Autoescaping follows the
file name: always in `.html`, never in `.txt` (`&amp;` in a plain-text e-mail is a bug too).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import UTC, date, datetime, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from jinja2 import (
    Environment,
    FileSystemLoader,
    StrictUndefined,
    UndefinedError,
    select_autoescape,
)
from markupsafe import Markup

LOCALES = ("sv", "en")
DEFAULT_LOCALE = "en"
SUBJECT_MAX_LENGTH = 255  # the outbox column

# The parameters each template takes, all required: a caller's typo fails at enqueue time,
# in its own transaction, instead of sending an e-mail with a hole in it.
TEMPLATE_PARAMS: Mapping[str, frozenset[str]] = {
    "invitation": frozenset(
        {"inviter_name", "account_name", "role", "token", "link", "expires_at"}
    ),
    "verify_email": frozenset({"name", "token", "link"}),
    "password_reset": frozenset({"name", "token", "link"}),
    "access_request": frozenset(
        {
            "admin_name",
            "requester_name",
            "requester_email",
            "account_name",
            "serial_number",
            "link",
        }
    ),
    "access_request_decided": frozenset({"name", "account_name", "approved"}),
    # Registering with an address that already has an account: told to its owner, never to
    # whoever registered (the answer to them must not reveal who has an account).
    "account_exists": frozenset({"name", "link"}),
    # Support cases. `subject` is the case's own subject (the e-mail's subject reaches the
    # HTML layout as `email_subject`); statuses, categories and departments are enum names,
    # worded per locale in `_ticket_labels.txt`, and an unknown one fails like a role.
    "ticket_created": frozenset(
        {"name", "number", "subject", "category", "department", "response_due_at", "link"}
    ),
    "ticket_status_changed": frozenset(
        {"name", "number", "subject", "old_status", "new_status", "note", "link"}
    ),
    "ticket_reply": frozenset({"name", "number", "subject", "author_name", "body", "link"}),
    # A device whose last meter reading is older than its account's interval, to the people
    # who read its meters (or the account's admins). `location` is one line ("Sveavägen 10,
    # Stockholm, floor 3, Reception"); `last_read_on` is a date, or None if never read.
    "meter_reading_reminder": frozenset(
        {
            "name",
            "serial_number",
            "model_name",
            "account_name",
            "location",
            "last_read_on",
            "interval_days",
            "link",
        }
    ),
    # Consumables orders. `status` is CONFIRMED, SHIPPED, DELIVERED or CANCELLED, worded per
    # locale in `_supply_labels.txt` (an unknown one fails like a role); `lines` is a list of
    # {"name": str, "sku": str, "quantity": int}; `shipping_address` and `location` are one
    # line; `tracking_reference` is a str or None, and shown only for SHIPPED.
    "supply_order_status": frozenset(
        {
            "name",
            "number",
            "serial_number",
            "status",
            "lines",
            "shipping_address",
            "tracking_reference",
            "link",
        }
    ),
    # An order fleet monitoring placed by itself after a device reported a low level, for an
    # account whose contract includes consumables; `level_percent` is an int (0-100).
    "supply_order_automatic": frozenset(
        {
            "name",
            "number",
            "serial_number",
            "location",
            "item_name",
            "sku",
            "level_percent",
            "link",
        }
    ),
}

_TEMPLATES = Path(__file__).parent / "templates"

_MONTHS = {
    "en": (
        "January", "February", "March", "April", "May", "June",
        "July", "August", "September", "October", "November", "December",
    ),
    "sv": (
        "januari", "februari", "mars", "april", "maj", "juni",
        "juli", "augusti", "september", "oktober", "november", "december",
    ),
}  # fmt: skip


class EmailTemplateError(ValueError):
    """An unknown template, or parameters that do not match what the template takes."""


@dataclasses.dataclass(frozen=True, slots=True)
class RenderedEmail:
    locale: str
    subject: str
    text: str
    html: str


def resolve_locale(locale: str) -> str:
    return locale if locale in LOCALES else DEFAULT_LOCALE


def render(template: str, locale: str, params: Mapping[str, object]) -> RenderedEmail:
    expected = TEMPLATE_PARAMS.get(template)
    if expected is None:
        raise EmailTemplateError(
            f"unknown e-mail template {template!r}; known: {', '.join(sorted(TEMPLATE_PARAMS))}"
        )
    missing, unexpected = expected - params.keys(), params.keys() - expected
    if missing or unexpected:
        raise EmailTemplateError(
            f"e-mail template {template!r}: missing {sorted(missing)}, "
            f"unexpected {sorted(unexpected)}"
        )
    locale = resolve_locale(locale)
    context = {**params, "locale": locale}
    try:
        subject = _subject(_render(f"{template}.{locale}.subject.txt", context))
        text = _render(f"{template}.{locale}.txt", context)
        html = _render(f"{template}.{locale}.html", {**context, "email_subject": subject})
    except UndefinedError as error:
        # A value the template has no wording for, such as an unknown role.
        raise EmailTemplateError(f"e-mail template {template!r}: {error}") from error
    return RenderedEmail(locale=locale, subject=subject, text=text, html=html)


def format_datetime(value: object, locale: str) -> str:
    """`25 November 2026, 14:30 CET` / `25 november 2026 kl. 14:30 CET`, in Swedish time."""
    if not isinstance(value, datetime):
        raise TypeError(f"expected a datetime, got {type(value).__name__}")
    # The database hands out aware datetimes; a naive one can only have meant UTC.
    local = (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(_ZONE)
    day = _day_month_year(local, locale)
    time = f"{local:%H:%M} {local.tzname()}"
    return f"{day} kl. {time}" if locale == "sv" else f"{day}, {time}"


def format_date(value: object, locale: str) -> str:
    """`1 December 2026` / `1 december 2026`: a calendar day, such as a meter reading's.

    A datetime is refused rather than cut short: which day it falls on depends on the time
    zone, so it belongs to `format_datetime`.
    """
    if not isinstance(value, date) or isinstance(value, datetime):
        raise TypeError(f"expected a date, got {type(value).__name__}")
    return _day_month_year(value, locale)


def paragraphs(value: object) -> list[list[str]]:
    """Text a person wrote (a reply, a note) as paragraphs of lines; None is no text.

    The one way a param keeps its line breaks: each line is still printed through
    `_one_line` (and escaped in HTML), runs of blank lines become one paragraph break.
    """
    if value is None:
        return []
    if not isinstance(value, str):
        raise TypeError(f"expected text, got {type(value).__name__}")
    result: list[list[str]] = [[]]
    # str.splitlines, not the value's own: Markup's would hand back lines that skip escaping.
    for line in str.splitlines(value):
        if line.strip():
            result[-1].append(line)
        elif result[-1]:
            result.append([])
    return [paragraph for paragraph in result if paragraph]


def _day_month_year(value: date, locale: str) -> str:
    return f"{value.day} {_MONTHS[locale][value.month - 1]} {value.year}"


def _render(name: str, context: Mapping[str, object]) -> str:
    return _environment.get_template(name).render(context)


def _subject(rendered: str) -> str:
    subject = " ".join(rendered.split())
    if len(subject) > SUBJECT_MAX_LENGTH:
        subject = subject[: SUBJECT_MAX_LENGTH - 1] + "…"
    return subject


def _one_line(value: object) -> object:
    # Values in an e-mail are single-line: a newline in a name could forge a line of the
    # text (a fake `Token:` line, say). Markup is the output of the HTML macros: left alone.
    if isinstance(value, str) and not isinstance(value, Markup):
        return " ".join(value.split())
    return value


def _stockholm() -> tzinfo:
    # The provider and its customers are in Sweden; an image without tzdata still says UTC
    # (and says so), rather than failing to send.
    try:
        return ZoneInfo("Europe/Stockholm")
    except ZoneInfoNotFoundError:
        return UTC


_ZONE = _stockholm()


_environment = Environment(
    loader=FileSystemLoader(_TEMPLATES),
    autoescape=select_autoescape(enabled_extensions=("html",), default=False),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
    finalize=_one_line,
)
_environment.filters["datetime"] = format_datetime
_environment.filters["date"] = format_date
_environment.filters["paragraphs"] = paragraphs
