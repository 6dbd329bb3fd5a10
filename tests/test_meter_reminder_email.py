"""The meter_reading_reminder e-mail: a device's last meter reading is older than its
account's reading interval.

Rendered through the public functions, in both locales: the reading date (a calendar day,
no time zone), the wording for a device never read, escaping of the device's location and
the params that must fail at enqueue time rather than send an e-mail with a hole in it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from models.database import Database
from notifications import TEMPLATE_PARAMS, EmailTemplateError, enqueue_email, render
from notifications.rendering import format_date

TEMPLATE = "meter_reading_reminder"
SERIAL = "SN-C300-0001"
LINK = "https://portal.example/devices/SN-C300-0001/meter-readings?from=mail&tab=new"
SCRIPT = '<script>alert("x")</script>'
ESCAPED_SCRIPT = "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;"

SAMPLE_PARAMS: dict[str, object] = {
    "name": "Anna Ek",
    "serial_number": SERIAL,
    "model_name": "Colora C300",
    "account_name": "Acme AB",
    "location": "Sveavägen 10, Stockholm, floor 3, Reception",
    "last_read_on": date(2026, 12, 1),
    "interval_days": 30,
    "link": LINK,
}

SUBJECTS = {
    "sv": f"Dags att rapportera mätarställningen för {SERIAL}",
    "en": f"Time to report the meter reading for {SERIAL}",
}
LABELS = {
    "sv": ("Serienummer", "Modell", "Placering"),
    "en": ("Serial number", "Model", "Location"),
}
LAST_READ = {
    "sv": "Den senaste mätarställningen vi har fått in är från den {}.",
    "en": "The last meter reading we received is from {}.",
}
NEVER_READ = {
    "sv": "Vi har ännu inte fått in någon mätarställning för enheten.",
    "en": "We have not yet received a meter reading for this device.",
}
INVOICE = {
    "sv": "Mätarställningen ligger till grund för er faktura. Om vi inte får in någon avläsning "
    "baseras fakturan i stället på en uppskattning.",
    "en": "The meter reading is the basis for your invoice. Without a reading, the invoice is "
    "based on an estimate instead.",
}
OPT_OUT = {
    "sv": "Du kan stänga av de här påminnelserna under aviseringsinställningar i portalen.",
    "en": "You can turn these reminders off under notification settings in the portal.",
}


def with_params(**changes: object) -> dict[str, object]:
    return {**SAMPLE_PARAMS, **changes}


def cell(value: str) -> str:
    """How a value sits in the HTML details table (ui.details)."""
    return f'vertical-align:top;">{value}</td>'


def test_the_sample_params_are_exactly_what_the_template_takes() -> None:
    assert SAMPLE_PARAMS.keys() == TEMPLATE_PARAMS[TEMPLATE]


@pytest.mark.parametrize(("locale", "day"), [("sv", "1 december 2026"), ("en", "1 December 2026")])
def test_renders_in_both_locales(locale: str, day: str) -> None:
    rendered = render(TEMPLATE, locale, SAMPLE_PARAMS)

    assert rendered.locale == locale
    assert rendered.subject == SUBJECTS[locale]
    assert rendered.html.startswith(f'<!DOCTYPE html>\n<html lang="{locale}">')
    assert f"<title>{rendered.subject}</title>" in rendered.html
    assert "{{" not in rendered.text + rendered.html
    assert rendered.text.startswith("Hej Anna Ek!\n" if locale == "sv" else "Hello Anna Ek,\n")
    assert "Acme AB" in rendered.text
    assert "<strong>Acme AB</strong>" in rendered.html

    serial, model, location = LABELS[locale]
    assert f"\n{serial}: {SERIAL}\n" in rendered.text
    assert f"\n{model}: Colora C300\n" in rendered.text
    assert f"\n{location}: Sveavägen 10, Stockholm, floor 3, Reception\n" in rendered.text
    for value in (SERIAL, "Colora C300", "Sveavägen 10, Stockholm, floor 3, Reception"):
        assert cell(value) in rendered.html

    assert LAST_READ[locale].format(day) in rendered.text
    assert LAST_READ[locale].format(f"<strong>{day}</strong>") in rendered.html
    assert NEVER_READ[locale] not in rendered.text + rendered.html
    interval = "30 dagar" if locale == "sv" else "30 days"
    assert interval in rendered.text
    assert interval in rendered.html

    for sentence in (INVOICE[locale], OPT_OUT[locale]):
        assert sentence in rendered.text
        assert sentence in rendered.html

    assert f"\n{LINK}\n" in rendered.text
    assert f'href="{LINK.replace("&", "&amp;")}"' in rendered.html
    assert "\n-- \n" in rendered.text


@pytest.mark.parametrize("locale", ["sv", "en"])
def test_a_device_never_read_says_so_without_a_date(locale: str) -> None:
    rendered = render(TEMPLATE, locale, with_params(last_read_on=None))
    for body in (rendered.text, rendered.html):
        assert NEVER_READ[locale] in body
        assert LAST_READ[locale].format("").rstrip(".") not in body
        assert "2026" not in body
        assert INVOICE[locale] in body
    assert rendered.subject == SUBJECTS[locale]


@pytest.mark.parametrize(("locale", "interval"), [("sv", "1 dag."), ("en", "1 day.")])
def test_an_interval_of_one_day_is_singular(locale: str, interval: str) -> None:
    rendered = render(TEMPLATE, locale, with_params(last_read_on=None, interval_days=1))
    assert interval in rendered.text
    assert interval in rendered.html


def test_reading_dates_are_calendar_days() -> None:
    assert format_date(date(2026, 12, 1), "sv") == "1 december 2026"
    assert format_date(date(2026, 12, 1), "en") == "1 December 2026"
    assert format_date(date(2027, 5, 31), "sv") == "31 maj 2027"
    # A datetime's day depends on the time zone: it belongs to the datetime filter.
    for wrong in (datetime(2026, 12, 1, 23, 30, tzinfo=UTC), "2026-12-01", None):
        with pytest.raises(TypeError, match="expected a date"):
            format_date(wrong, "en")
    with pytest.raises(TypeError, match="expected a date"):
        render(TEMPLATE, "sv", with_params(last_read_on="2026-12-01"))


@pytest.mark.parametrize("locale", ["sv", "en"])
@pytest.mark.parametrize("param", ["location", "model_name", "account_name", "name"])
def test_text_is_escaped_in_html_but_not_in_text(param: str, locale: str) -> None:
    value = f"Plan 3 {SCRIPT} & kopieringsrummet"
    rendered = render(TEMPLATE, locale, with_params(**{param: value}))
    assert "<script>" not in rendered.html
    assert f"Plan 3 {ESCAPED_SCRIPT} &amp; kopieringsrummet" in rendered.html
    assert value in rendered.text


def test_a_newline_in_the_location_stays_on_its_line() -> None:
    params = with_params(location="Plan 3\nLink: https://evil.example")
    rendered = render(TEMPLATE, "en", params)
    assert "\nLocation: Plan 3 Link: https://evil.example\n" in rendered.text
    assert "\nLink:" not in rendered.text


@pytest.mark.parametrize("param", sorted(SAMPLE_PARAMS))
def test_every_param_is_required(param: str) -> None:
    params = {key: value for key, value in SAMPLE_PARAMS.items() if key != param}
    with pytest.raises(EmailTemplateError, match=rf"missing \['{param}'\]"):
        render(TEMPLATE, "sv", params)


def test_an_unexpected_param_is_refused() -> None:
    with pytest.raises(EmailTemplateError, match=r"unexpected \['device_id'\]"):
        render(TEMPLATE, "en", with_params(device_id="1"))


async def test_a_missing_param_fails_at_enqueue_time(database: Database) -> None:
    params = {key: value for key, value in SAMPLE_PARAMS.items() if key != "last_read_on"}
    async with database.session() as session:
        with pytest.raises(EmailTemplateError, match=r"missing \['last_read_on'\]"):
            await enqueue_email(
                session, to="anna@example.com", locale="sv", template=TEMPLATE, **params
            )
        assert not session.new


async def test_enqueue_renders_the_reminder_in_the_recipients_locale(
    database: Database,
) -> None:
    async with database.session() as session:
        email = await enqueue_email(
            session, to="anna@example.com", locale="sv", template=TEMPLATE, **SAMPLE_PARAMS
        )
        await session.rollback()
    assert (email.locale, email.template, email.subject) == ("sv", TEMPLATE, SUBJECTS["sv"])
    assert "från den 1 december 2026." in email.body_text
