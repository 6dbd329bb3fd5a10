"""The consumables-order e-mails: supply_order_status and supply_order_automatic.

Rendered through the public functions, in both locales: the label and subject for each order
status, the tracking reference (only for a shipped order, only when there is one), the order
lines with their quantities, escaping of item names in HTML and the mistakes that must fail
at enqueue time rather than send an e-mail with a hole in it.
"""

from __future__ import annotations

import pytest

from models.database import Database
from notifications import TEMPLATE_PARAMS, EmailTemplateError, enqueue_email, render

NUMBER = "SO-2026-000042"
SERIAL = "SN-C300-0001"
LINK = "https://portal.example/supply-orders/SO-2026-000042?from=mail&tab=lines"
TRACKING = "00340434161094042557"
ADDRESS = "Acme AB, Sveavägen 10, 111 57 Stockholm"
LOCATION = "Sveavägen 10, Stockholm, plan 3, Reception"
SCRIPT = '<script>alert("x")</script>'
ESCAPED_SCRIPT = "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;"
TIMES = "\N{MULTIPLICATION SIGN}"  # between a line's quantity and its item, in the text
DASH = "\N{EN DASH}"
SUPPLY_TEMPLATES = ("supply_order_status", "supply_order_automatic")
LINE_VALUES = [
    ("Svart toner", "TK-5240K", 2),
    ("Spillbehållare", "WT-5140", 1),
    ("Magenta toner", "TK-5240M", 3),
]
LINES: list[dict[str, object]] = [
    {"name": name, "sku": sku, "quantity": quantity} for name, sku, quantity in LINE_VALUES
]

SAMPLE_PARAMS: dict[str, dict[str, object]] = {
    "supply_order_status": {
        "name": "Anna Ek",
        "number": NUMBER,
        "serial_number": SERIAL,
        "status": "SHIPPED",
        "lines": LINES,
        "shipping_address": ADDRESS,
        "tracking_reference": TRACKING,
        "link": LINK,
    },
    "supply_order_automatic": {
        "name": "Anna Ek",
        "number": NUMBER,
        "serial_number": SERIAL,
        "location": LOCATION,
        "item_name": "Svart toner",
        "sku": "TK-5240K",
        "level_percent": 8,
        "link": LINK,
    },
}

SUBJECTS = {
    ("supply_order_status", "sv"): f"[{NUMBER}] Din beställning har skickats",
    ("supply_order_status", "en"): f"[{NUMBER}] Your order has been shipped",
    ("supply_order_automatic", "sv"): (
        f"[{NUMBER}] Automatisk beställning av förbrukningsmaterial till {SERIAL}"
    ),
    ("supply_order_automatic", "en"): f"[{NUMBER}] Automatic consumables order for {SERIAL}",
}
# Per status: (label, what happened) in Swedish, then in English.
STATUSES = {
    "CONFIRMED": (("Bekräftad", "har bekräftats"), ("Confirmed", "has been confirmed")),
    "SHIPPED": (("Skickad", "har skickats"), ("Shipped", "has been shipped")),
    "DELIVERED": (("Levererad", "har levererats"), ("Delivered", "has been delivered")),
    "CANCELLED": (("Avbruten", "har avbrutits"), ("Cancelled", "has been cancelled")),
}
STATUS_SENTENCES = {
    "CONFIRMED": (
        "Vi förbereder nu leveransen.",
        "We are now preparing the order for shipping.",
    ),
    "SHIPPED": (
        "Beställningen är på väg till leveransadressen ovan.",
        "The order is on its way to the shipping address above.",
    ),
    "DELIVERED": (
        "Saknas något eller har något skadats under transporten? Skapa ett ärende i portalen, "
        "så hjälper vi dig.",
        "If anything is missing or was damaged in transit, please create a case in the portal "
        "and we will help you.",
    ),
    "CANCELLED": (
        "Beställningen kommer inte att skickas. Behöver du fortfarande materialet kan du göra "
        "en ny beställning i portalen.",
        "The order will not be shipped. If you still need the supplies, you can place a new "
        "order in the portal.",
    ),
}
TRACKING_LABEL = {"sv": "Spårningsnummer", "en": "Tracking reference"}
FOLLOW_SHIPMENT = {
    "sv": "Med spårningsnumret kan du följa försändelsen hos transportören.",
    "en": "You can follow the shipment with the carrier using the tracking reference.",
}
STATUS_LABELS = {
    "sv": ("Status", "Serienummer", "Leveransadress"),
    "en": ("Status", "Serial number", "Shipping address"),
}
LINES_HEADING = {"sv": "Beställda artiklar:", "en": "Items ordered:"}
LINES_COLUMNS = {"sv": ("Artikel", "Artikelnr", "Antal"), "en": ("Item", "Item no.", "Quantity")}
AUTOMATIC_LABELS = {
    "sv": (
        "Ordernummer",
        "Serienummer",
        "Placering",
        "Artikel",
        "Artikelnummer",
        "Rapporterad nivå",
    ),
    "en": ("Order number", "Serial number", "Location", "Item", "Item number", "Reported level"),
}
AUTOMATIC_SENTENCES = {
    "sv": (
        "har automatiskt rapporterat till oss att nivån för",
        "Eftersom förbrukningsmaterial ingår i ert avtal har vi lagt en beställning åt er "
        "automatiskt, så att nytt material kommer fram innan det gamla tar slut.",
        f"Du behöver inte göra något {DASH} vi sköter både beställningen och leveransen.",
        "I portalen kan du se beställningen. Behöver ni inte materialet kan du avbryta den "
        "där, så länge den ännu inte har bekräftats.",
    ),
    "en": (
        "has automatically reported to us that its level of",
        "As consumables are included in your contract, we have automatically placed an order "
        "on your behalf, so that new supplies arrive before the old ones run out.",
        "You do not need to do anything: we take care of the order and the delivery.",
        "You can see the order in the portal. If you do not need the supplies, you can cancel "
        "it there as long as it has not yet been confirmed.",
    ),
}
OPT_OUT = {
    "sv": "Du kan stänga av e-post om beställningar av förbrukningsmaterial under "
    "aviseringsinställningar i portalen.",
    "en": "You can turn off e-mails about consumables orders under notification settings in "
    "the portal.",
}
BUTTON = {"sv": "Visa beställningen</a>", "en": "View the order</a>"}
LOCALE_INDEX = {"sv": 0, "en": 1}


def with_params(template: str, **changes: object) -> dict[str, object]:
    return {**SAMPLE_PARAMS[template], **changes}


def status_email(locale: str, **changes: object) -> tuple[str, str, str]:
    rendered = render("supply_order_status", locale, with_params("supply_order_status", **changes))
    return rendered.subject, rendered.text, rendered.html


def cell(value: str) -> str:
    """How a value sits in the HTML details table (ui.details)."""
    return f'vertical-align:top;">{value}</td>'


def line_cells(name: str, sku: str, quantity: int) -> str:
    """How an order line sits in the HTML lines table: name, item number, quantity."""
    return (
        f'vertical-align:top;">{name}</td>\n'
        f'<td style="padding:4px 12px 4px 0; border-bottom:1px solid #e5e7eb; '
        f'vertical-align:top; white-space:nowrap;">{sku}</td>\n'
        f'<td align="right" style="padding:4px 0; border-bottom:1px solid #e5e7eb; '
        f'vertical-align:top;">{quantity}</td>'
    )


# --- both templates ------------------------------------------------------------------------


def test_the_sample_params_are_exactly_what_the_templates_take() -> None:
    for template in SUPPLY_TEMPLATES:
        assert SAMPLE_PARAMS[template].keys() == TEMPLATE_PARAMS[template]


@pytest.mark.parametrize("locale", ["sv", "en"])
@pytest.mark.parametrize("template", SUPPLY_TEMPLATES)
def test_each_supply_template_renders_in_both_locales(template: str, locale: str) -> None:
    rendered = render(template, locale, SAMPLE_PARAMS[template])

    assert rendered.locale == locale
    assert rendered.subject == SUBJECTS[template, locale]
    assert rendered.html.startswith(f'<!DOCTYPE html>\n<html lang="{locale}">')
    assert f"<title>{rendered.subject}</title>" in rendered.html
    assert rendered.text.startswith("Hej Anna Ek!\n" if locale == "sv" else "Hello Anna Ek,\n")
    assert "{{" not in rendered.text + rendered.html
    assert NUMBER in rendered.text
    assert NUMBER in rendered.html
    assert f"\n{LINK}\n" in rendered.text
    assert f'href="{LINK.replace("&", "&amp;")}"' in rendered.html
    assert BUTTON[locale] in rendered.html
    assert OPT_OUT[locale] in rendered.text
    assert OPT_OUT[locale] in rendered.html
    assert "\n-- \n" in rendered.text
    assert "\n\n\n" not in rendered.text


# --- supply_order_status -------------------------------------------------------------------


@pytest.mark.parametrize("locale", ["sv", "en"])
def test_the_status_email_shows_the_order(locale: str) -> None:
    _, text, html = status_email(locale)
    status, serial, address = STATUS_LABELS[locale]
    label, event = STATUSES["SHIPPED"][LOCALE_INDEX[locale]]
    your_order = "Din beställning" if locale == "sv" else "Your order"

    assert f"\n{your_order} {NUMBER} {event}.\n" in text
    assert f"{your_order} <strong>{NUMBER}</strong> {event}.</p>" in html
    assert f"\n{status}: {label}\n{serial}: {SERIAL}\n{address}: {ADDRESS}\n" in text
    for value in (label, SERIAL, ADDRESS):
        assert cell(value) in html
    assert STATUS_SENTENCES["SHIPPED"][LOCALE_INDEX[locale]] in text
    assert STATUS_SENTENCES["SHIPPED"][LOCALE_INDEX[locale]] in html


@pytest.mark.parametrize("locale", ["sv", "en"])
@pytest.mark.parametrize("status", sorted(STATUSES))
def test_every_status_has_a_label_and_a_subject(status: str, locale: str) -> None:
    subject, text, html = status_email(locale, status=status)
    label, event = STATUSES[status][LOCALE_INDEX[locale]]
    your_order = "Din beställning" if locale == "sv" else "Your order"

    assert subject == f"[{NUMBER}] {your_order} {event}"
    assert f"<title>{subject}</title>" in html
    assert f"\nStatus: {label}\n" in text
    assert cell(label) in html
    assert f"{event}." in text
    assert status not in subject + text + html

    for other, sentences in STATUS_SENTENCES.items():
        sentence = sentences[LOCALE_INDEX[locale]]
        if other == status:
            assert sentence in text
            assert sentence in html
        else:
            assert sentence not in text + html


@pytest.mark.parametrize("locale", ["sv", "en"])
def test_a_tracking_reference_is_shown_for_a_shipped_order(locale: str) -> None:
    _, text, html = status_email(locale, status="SHIPPED", tracking_reference=TRACKING)
    label = TRACKING_LABEL[locale]
    assert f"\n{label}: {TRACKING}\n" in text
    assert f'white-space:nowrap;">{label}</td>' in html
    assert cell(TRACKING) in html
    assert FOLLOW_SHIPMENT[locale] in text
    assert FOLLOW_SHIPMENT[locale] in html


@pytest.mark.parametrize("locale", ["sv", "en"])
@pytest.mark.parametrize("nothing", [None, "", "   "])
def test_without_a_tracking_reference_none_is_mentioned(locale: str, nothing: str | None) -> None:
    _, text, html = status_email(locale, status="SHIPPED", tracking_reference=nothing)
    assert TRACKING_LABEL[locale] not in text + html
    assert FOLLOW_SHIPMENT[locale] not in text + html
    assert "None" not in text + html
    # The rest of a shipped order's e-mail is still there.
    assert STATUS_SENTENCES["SHIPPED"][LOCALE_INDEX[locale]] in text


@pytest.mark.parametrize("locale", ["sv", "en"])
@pytest.mark.parametrize("status", ["CONFIRMED", "DELIVERED", "CANCELLED"])
def test_a_tracking_reference_is_shown_only_for_a_shipped_order(status: str, locale: str) -> None:
    _, text, html = status_email(locale, status=status, tracking_reference=TRACKING)
    assert TRACKING not in text + html
    assert TRACKING_LABEL[locale] not in text + html


@pytest.mark.parametrize("locale", ["sv", "en"])
def test_the_lines_are_listed_with_their_quantities(locale: str) -> None:
    _, text, html = status_email(locale)
    listed = (
        f"\n{LINES_HEADING[locale]}\n"
        f"- 2 {TIMES} Svart toner (TK-5240K)\n"
        f"- 1 {TIMES} Spillbehållare (WT-5140)\n"
        f"- 3 {TIMES} Magenta toner (TK-5240M)\n\n"
    )
    assert listed in text

    assert LINES_HEADING[locale] in html
    for heading in LINES_COLUMNS[locale]:
        assert f'">{heading}</th>' in html
    positions = [html.index(line_cells(*line)) for line in LINE_VALUES]
    assert positions == sorted(positions)


def test_a_single_line_is_a_list_of_one() -> None:
    line = {"name": "Cyan toner", "sku": "TK-5240C", "quantity": 10}
    _, text, html = status_email("en", lines=[line])
    assert f"\nItems ordered:\n- 10 {TIMES} Cyan toner (TK-5240C)\n\n" in text
    assert line_cells("Cyan toner", "TK-5240C", 10) in html
    assert "Svart toner" not in text + html


# --- supply_order_automatic ----------------------------------------------------------------


@pytest.mark.parametrize(("locale", "level"), [("sv", "8 %"), ("en", "8%")])
def test_the_automatic_order_explains_itself(locale: str, level: str) -> None:
    rendered = render("supply_order_automatic", locale, SAMPLE_PARAMS["supply_order_automatic"])
    reported, contract, nothing_to_do, cancel = AUTOMATIC_SENTENCES[locale]

    device = "Enheten" if locale == "sv" else "Device"
    assert f"\n{device} {SERIAL} {reported} Svart toner " in rendered.text
    assert f"{device} <strong>{SERIAL}</strong> {reported} <strong>Svart toner</strong> " in (
        rendered.html
    )
    remaining = f"{level} återstår." if locale == "sv" else f"{level} remaining."
    for sentence in (remaining, contract, nothing_to_do, cancel):
        assert sentence in rendered.text
        assert sentence in rendered.html

    labels = AUTOMATIC_LABELS[locale]
    values = (NUMBER, SERIAL, LOCATION, "Svart toner", "TK-5240K", level)
    details = "".join(f"\n{label}: {value}" for label, value in zip(labels, values, strict=True))
    assert f"{details}\n" in rendered.text
    for value in values:
        assert cell(value) in rendered.html


@pytest.mark.parametrize("locale", ["sv", "en"])
def test_the_reported_level_is_the_devices_own(locale: str) -> None:
    params = with_params("supply_order_automatic", level_percent=0)
    rendered = render("supply_order_automatic", locale, params)
    level = "0 %" if locale == "sv" else "0%"
    assert f": {level}\n" in rendered.text
    assert cell(level) in rendered.html


# --- escaping ------------------------------------------------------------------------------


@pytest.mark.parametrize("locale", ["sv", "en"])
@pytest.mark.parametrize("field", ["name", "sku"])
def test_order_lines_are_escaped_in_html_but_not_in_text(field: str, locale: str) -> None:
    value = f"Toner {SCRIPT} & trumma"
    lines = [{**LINES[0], field: value}, *LINES[1:]]
    _, text, html = status_email(locale, lines=lines)
    assert "<script>" not in html
    assert f">Toner {ESCAPED_SCRIPT} &amp; trumma</td>" in html
    assert value in text


@pytest.mark.parametrize("locale", ["sv", "en"])
@pytest.mark.parametrize(
    ("template", "param"),
    [
        ("supply_order_status", "shipping_address"),
        ("supply_order_status", "tracking_reference"),
        ("supply_order_status", "name"),
        ("supply_order_automatic", "item_name"),
        ("supply_order_automatic", "sku"),
        ("supply_order_automatic", "location"),
        ("supply_order_automatic", "name"),
    ],
)
def test_text_is_escaped_in_html_but_not_in_text(template: str, param: str, locale: str) -> None:
    value = f"Före {SCRIPT} & efter"
    rendered = render(template, locale, with_params(template, **{param: value}))
    assert "<script>" not in rendered.html
    assert f"Före {ESCAPED_SCRIPT} &amp; efter" in rendered.html
    assert value in rendered.text
    assert SCRIPT not in rendered.subject


def test_a_newline_in_an_item_name_stays_on_its_line() -> None:
    lines = [{"name": "Toner\nLink: https://evil.example", "sku": "TK-1", "quantity": 1}]
    _, text, _ = status_email("en", lines=lines)
    assert f"\n- 1 {TIMES} Toner Link: https://evil.example (TK-1)\n" in text
    assert "\nLink:" not in text

    params = with_params("supply_order_automatic", item_name="Toner\nLink: https://evil.example")
    rendered = render("supply_order_automatic", "en", params)
    assert "\nItem: Toner Link: https://evil.example\n" in rendered.text
    assert "\nLink:" not in rendered.text


# --- mistakes ------------------------------------------------------------------------------


@pytest.mark.parametrize("locale", ["sv", "en"])
@pytest.mark.parametrize("status", ["SUBMITTED", "RETURNED", "shipped", ""])
def test_an_unknown_status_fails_to_render(status: str, locale: str) -> None:
    with pytest.raises(EmailTemplateError) as raised:
        status_email(locale, status=status)
    assert "supply_order_status" in str(raised.value)
    assert f"'{status}'" in str(raised.value)


async def test_an_unknown_status_fails_at_enqueue_time(database: Database) -> None:
    async with database.session() as session:
        with pytest.raises(EmailTemplateError, match="LOST"):
            await enqueue_email(
                session,
                to="anna@example.com",
                locale="sv",
                template="supply_order_status",
                **with_params("supply_order_status", status="LOST"),
            )
        assert not session.new


@pytest.mark.parametrize("field", ["name", "sku", "quantity"])
def test_a_line_without_a_field_fails_to_render(field: str) -> None:
    line = {key: value for key, value in LINES[0].items() if key != field}
    with pytest.raises(EmailTemplateError, match=rf"'{field}'"):
        status_email("sv", lines=[line])


@pytest.mark.parametrize(
    ("template", "param"),
    [(template, param) for template in SUPPLY_TEMPLATES for param in SAMPLE_PARAMS[template]],
)
def test_every_param_is_required(template: str, param: str) -> None:
    params = {key: value for key, value in SAMPLE_PARAMS[template].items() if key != param}
    with pytest.raises(EmailTemplateError, match=rf"missing \['{param}'\]"):
        render(template, "sv", params)


async def test_a_missing_param_fails_at_enqueue_time(database: Database) -> None:
    params = {
        key: value
        for key, value in SAMPLE_PARAMS["supply_order_status"].items()
        if key != "tracking_reference"
    }
    async with database.session() as session:
        with pytest.raises(EmailTemplateError, match=r"missing \['tracking_reference'\]"):
            await enqueue_email(
                session,
                to="anna@example.com",
                locale="en",
                template="supply_order_status",
                **params,
            )
        assert not session.new


@pytest.mark.parametrize("template", SUPPLY_TEMPLATES)
def test_an_unexpected_param_is_refused(template: str) -> None:
    with pytest.raises(EmailTemplateError, match=r"unexpected \['device_id'\]"):
        render(template, "en", with_params(template, device_id="1"))


async def test_enqueue_renders_the_order_in_the_recipients_locale(database: Database) -> None:
    async with database.session() as session:
        email = await enqueue_email(
            session,
            to="anna@example.com",
            locale="sv",
            template="supply_order_automatic",
            **SAMPLE_PARAMS["supply_order_automatic"],
        )
        await session.rollback()
    assert (email.locale, email.template) == ("sv", "supply_order_automatic")
    assert email.subject == SUBJECTS["supply_order_automatic", "sv"]
    assert "\nRapporterad nivå: 8 %\n" in email.body_text
