"""The support-case e-mails: ticket_created, ticket_status_changed and ticket_reply.

Rendered through the public functions, in both locales: the labels for each enum value, the
due date, the staff's free text (escaped in HTML, its line breaks kept) and the mistakes that
must fail at enqueue time rather than send an e-mail with a hole in it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from markupsafe import Markup

import notifications
from models.database import Database
from notifications import TEMPLATE_PARAMS, EmailTemplateError, enqueue_email, render
from notifications.rendering import paragraphs

NUMBER = "CS-2026-000123"
LINK = "https://portal.example/cases/CS-2026-000123?tab=messages&from=mail"
DUE = datetime(2026, 11, 27, 13, 30, tzinfo=UTC)  # 14:30 in Stockholm
SCRIPT = '<script>alert("x")</script>'
ESCAPED_SCRIPT = "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;"
TICKET_TEMPLATES = ("ticket_created", "ticket_status_changed", "ticket_reply")

SAMPLE_PARAMS: dict[str, dict[str, object]] = {
    "ticket_created": {
        "name": "Anna Ek",
        "number": NUMBER,
        "subject": "Skrivaren på plan 3 drar in flera ark",
        "category": "FAULT",
        "department": "TECHNICAL_SUPPORT",
        "response_due_at": DUE,
        "link": LINK,
    },
    "ticket_status_changed": {
        "name": "Anna Ek",
        "number": NUMBER,
        "subject": "Skrivaren på plan 3 drar in flera ark",
        "old_status": "OPEN",
        "new_status": "IN_PROGRESS",
        "note": "En tekniker kommer på torsdag.",
        "link": LINK,
    },
    "ticket_reply": {
        "name": "Anna Ek",
        "number": NUMBER,
        "subject": "Skrivaren på plan 3 drar in flera ark",
        "author_name": "Bo Berg",
        "body": "Hej Anna!\n\nVilken modell gäller det?\nSerienumret sitter på baksidan.",
        "link": LINK,
    },
}

SUBJECTS = {
    ("ticket_created", "sv"): f"[{NUMBER}] Vi har tagit emot ditt ärende",
    ("ticket_created", "en"): f"[{NUMBER}] Your case has been received",
    ("ticket_status_changed", "sv"): f"[{NUMBER}] Ärendet har fått ny status: Pågående",
    ("ticket_status_changed", "en"): f"[{NUMBER}] Case status updated: In progress",
    ("ticket_reply", "sv"): f"[{NUMBER}] Nytt svar i ditt ärende",
    ("ticket_reply", "en"): f"[{NUMBER}] New reply to your case",
}

CATEGORIES = {
    "FAULT": ("Felanmälan", "Fault report"),
    "MOVE_REQUEST": ("Flytt av utrustning", "Equipment move"),
    "REMOVAL_REQUEST": ("Hämtning av utrustning", "Equipment removal"),
    "ACCOUNT_QUESTION": ("Fråga om kontot", "Account question"),
    "SUPPLIES": ("Förbrukningsmaterial", "Consumables"),
    "METER_READING": ("Mätarställning", "Meter reading"),
    "OTHER": ("Övrigt", "Other"),
}
DEPARTMENTS = {
    "TECHNICAL_SUPPORT": ("Teknisk support", "Technical support"),
    "LOGISTICS": ("Logistik", "Logistics"),
    "CUSTOMER_ACCOUNTS": ("Kundadministration", "Customer accounts"),
    "SUPPLIES": ("Förbrukningsmaterial", "Consumables"),
    "BILLING": ("Fakturering", "Billing"),
}
STATUSES = {
    "NEW": ("Ny", "New"),
    "OPEN": ("Öppen", "Open"),
    "IN_PROGRESS": ("Pågående", "In progress"),
    "WAITING_ON_CUSTOMER": ("Väntar på ert svar", "Waiting for your reply"),
    "RESOLVED": ("Löst", "Resolved"),
    "CLOSED": ("Stängd", "Closed"),
    "CANCELLED": ("Avbruten", "Cancelled"),
}
LOCALE_INDEX = {"sv": 0, "en": 1}


def with_params(template: str, **changes: object) -> dict[str, object]:
    return {**SAMPLE_PARAMS[template], **changes}


def cell(label: str) -> str:
    """How a value sits in the HTML details table (ui.details)."""
    return f'vertical-align:top;">{label}</td>'


# --- every ticket template -----------------------------------------------------------------


def test_the_sample_params_are_exactly_what_the_templates_take() -> None:
    for template in TICKET_TEMPLATES:
        assert SAMPLE_PARAMS[template].keys() == TEMPLATE_PARAMS[template]


@pytest.mark.parametrize("locale", ["sv", "en"])
@pytest.mark.parametrize("template", TICKET_TEMPLATES)
def test_each_ticket_template_renders_in_both_locales(template: str, locale: str) -> None:
    params = SAMPLE_PARAMS[template]
    rendered = render(template, locale, params)

    assert rendered.locale == locale
    assert rendered.subject == SUBJECTS[template, locale]
    assert rendered.html.startswith(f'<!DOCTYPE html>\n<html lang="{locale}">')
    # The layout's <title> is the e-mail's subject; the case's own subject is a param.
    assert f"<title>{rendered.subject}</title>" in rendered.html
    subject_label = "Rubrik" if locale == "sv" else "Subject"
    assert f"\n{subject_label}: {params['subject']}\n" in rendered.text
    assert cell(str(params["subject"])) in rendered.html
    assert NUMBER in rendered.text
    assert NUMBER in rendered.html
    assert "{{" not in rendered.text + rendered.html
    assert f"\n{LINK}\n" in rendered.text
    assert f'href="{LINK.replace("&", "&amp;")}"' in rendered.html
    assert rendered.text.startswith("Hej Anna Ek!\n" if locale == "sv" else "Hello Anna Ek,\n")
    assert "\n-- \n" in rendered.text


def test_ticket_templates_sit_in_the_flat_template_folder() -> None:
    folder = Path(notifications.__file__).parent / "templates"
    for template in TICKET_TEMPLATES:
        for locale in ("sv", "en"):
            for kind in ("subject.txt", "txt", "html"):
                assert (folder / f"{template}.{locale}.{kind}").is_file()


def test_no_template_takes_a_param_that_render_itself_sets() -> None:
    # render() adds `locale` to every template and `email_subject` to the HTML: a param of
    # the same name would be silently replaced (as `subject` was before it was renamed).
    for params in TEMPLATE_PARAMS.values():
        assert not params & {"locale", "email_subject"}


# --- ticket_created ------------------------------------------------------------------------


@pytest.mark.parametrize("locale", ["sv", "en"])
@pytest.mark.parametrize("category", sorted(CATEGORIES))
def test_every_category_has_a_label(category: str, locale: str) -> None:
    rendered = render("ticket_created", locale, with_params("ticket_created", category=category))
    label = CATEGORIES[category][LOCALE_INDEX[locale]]
    assert f"\n{'Kategori' if locale == 'sv' else 'Category'}: {label}\n" in rendered.text
    assert cell(label) in rendered.html
    assert category not in rendered.text + rendered.html


@pytest.mark.parametrize("locale", ["sv", "en"])
@pytest.mark.parametrize("department", sorted(DEPARTMENTS))
def test_every_department_has_a_label(department: str, locale: str) -> None:
    params = with_params("ticket_created", department=department)
    rendered = render("ticket_created", locale, params)
    label = DEPARTMENTS[department][LOCALE_INDEX[locale]]
    assert f"\n{'Handläggs av' if locale == 'sv' else 'Handled by'}: {label}\n" in rendered.text
    assert cell(label) in rendered.html
    assert department not in rendered.text + rendered.html


def test_the_response_due_date_is_given_in_swedish_time() -> None:
    sv = render("ticket_created", "sv", SAMPLE_PARAMS["ticket_created"])
    en = render("ticket_created", "en", SAMPLE_PARAMS["ticket_created"])
    assert "\nVi återkommer till dig senast den 27 november 2026 kl. 14:30 CET.\n" in sv.text
    assert "senast den <strong>27 november 2026 kl. 14:30 CET</strong>." in sv.html
    assert "\nWe will get back to you by 27 November 2026, 14:30 CET.\n" in en.text
    assert "get back to you by <strong>27 November 2026, 14:30 CET</strong>." in en.html
    summer = with_params("ticket_created", response_due_at=datetime(2026, 7, 1, 6, 5, tzinfo=UTC))
    assert "by 1 July 2026, 08:05 CEST." in render("ticket_created", "en", summer).text


@pytest.mark.parametrize(
    ("locale", "due_words", "instead"),
    [
        ("sv", "senast den", "Vi återkommer till dig så snart vi kan."),
        ("en", "get back to you by", "We will get back to you as soon as we can."),
    ],
)
def test_without_a_due_date_no_date_is_promised(locale: str, due_words: str, instead: str) -> None:
    params = with_params("ticket_created", response_due_at=None)
    rendered = render("ticket_created", locale, params)
    for body in (rendered.text, rendered.html):
        assert due_words not in body
        assert "2026," not in body
        assert " kl. " not in body
        assert instead in body


# --- ticket_status_changed -----------------------------------------------------------------


@pytest.mark.parametrize("locale", ["sv", "en"])
@pytest.mark.parametrize("status", sorted(STATUSES))
def test_every_status_has_a_label(status: str, locale: str) -> None:
    label = STATUSES[status][LOCALE_INDEX[locale]]
    as_new = render(
        "ticket_status_changed", locale, with_params("ticket_status_changed", new_status=status)
    )
    as_old = render(
        "ticket_status_changed", locale, with_params("ticket_status_changed", old_status=status)
    )
    new, old = (
        ("Ny status", "Tidigare status") if locale == "sv" else ("New status", "Previous status")
    )
    assert as_new.subject.endswith(f": {label}")
    assert f"\n{new}: {label}\n" in as_new.text
    assert f"\n{old}: {label}\n" in as_old.text
    assert cell(label) in as_new.html
    assert cell(label) in as_old.html
    assert status not in as_new.text + as_new.html + as_old.text + as_old.html


WAITING = {
    "sv": "Vår support väntar på svar från er",
    "en": "Our support team is waiting for your answer",
}
REOPEN = {
    "sv": "öppna ärendet igen i portalen inom 14 dagar",
    "en": "reopen the case in the portal within 14 days",
}


@pytest.mark.parametrize("locale", ["sv", "en"])
def test_waiting_asks_for_an_answer_and_resolved_offers_reopening(locale: str) -> None:
    waiting, reopen = WAITING[locale], REOPEN[locale]

    def rendered(status: str) -> tuple[str, str]:
        params = with_params("ticket_status_changed", new_status=status)
        email = render("ticket_status_changed", locale, params)
        return email.text, email.html

    text, html = rendered("WAITING_ON_CUSTOMER")
    assert waiting in text
    assert waiting in html
    assert ("Svara i portalen" if locale == "sv" else "Reply in the portal") in html
    assert reopen not in text

    text, html = rendered("RESOLVED")
    assert reopen in text
    assert reopen in html
    assert waiting not in text

    for status in STATUSES.keys() - {"WAITING_ON_CUSTOMER", "RESOLVED"}:
        text, html = rendered(status)
        assert waiting not in text + html
        assert "14" not in text + html


@pytest.mark.parametrize(
    ("locale", "heading"),
    [("sv", "Meddelande från vår support:"), ("en", "Message from our support team:")],
)
def test_a_note_from_staff_is_shown_only_when_given(locale: str, heading: str) -> None:
    note = "Vi har beställt en ny matarrulle.\nDen kommer på torsdag.\n\nHälsningar, Bo"
    with_note = render(
        "ticket_status_changed", locale, with_params("ticket_status_changed", note=note)
    )
    assert f"\n{heading}\n\n{note}\n\n" in with_note.text
    assert heading in with_note.html
    assert "matarrulle.<br>Den kommer på torsdag.</p>" in with_note.html
    assert "Hälsningar, Bo</p>" in with_note.html

    for nothing in (None, "", "  \n\t\n "):
        params = with_params("ticket_status_changed", note=nothing)
        without = render("ticket_status_changed", locale, params)
        assert heading not in without.text
        assert heading not in without.html
        assert "border-left" not in without.html


# --- ticket_reply --------------------------------------------------------------------------


@pytest.mark.parametrize("locale", ["sv", "en"])
def test_the_reply_keeps_its_line_breaks(locale: str) -> None:
    body = "Hej Anna,\n\nVi skickar en tekniker i morgon.\nHen ringer innan.\n\n\n\nMvh\nBo"
    rendered = render("ticket_reply", locale, with_params("ticket_reply", body=body))
    author = "Svar från" if locale == "sv" else "Reply from"
    assert f"\n{author}: Bo Berg\n" in rendered.text
    # Runs of blank lines become one paragraph break; every other line break stays.
    kept = "Hej Anna,\n\nVi skickar en tekniker i morgon.\nHen ringer innan.\n\nMvh\nBo\n"
    assert f"\n\n{kept}\n" in rendered.text
    assert '<p style="margin:0 0 12px;">Hej Anna,</p>' in rendered.html
    assert "Vi skickar en tekniker i morgon.<br>Hen ringer innan.</p>" in rendered.html
    assert '<p style="margin:0;">Mvh<br>Bo</p>' in rendered.html


def test_windows_line_endings_and_long_replies() -> None:
    lines = [f"Rad {n}: kontrollera pappersfacket och starta om skrivaren." for n in range(300)]
    body = "\r\n".join(lines)
    rendered = render("ticket_reply", "sv", with_params("ticket_reply", body=body))
    assert "\r" not in rendered.text + rendered.html
    assert "\n".join(lines) + "\n" in rendered.text
    assert "<br>".join(lines) + "</p>" in rendered.html


# --- escaping ------------------------------------------------------------------------------


@pytest.mark.parametrize("locale", ["sv", "en"])
@pytest.mark.parametrize(
    ("template", "param"),
    [
        ("ticket_created", "subject"),
        ("ticket_status_changed", "subject"),
        ("ticket_status_changed", "note"),
        ("ticket_reply", "subject"),
        ("ticket_reply", "body"),
        ("ticket_reply", "author_name"),
    ],
)
def test_free_text_is_escaped_in_html_but_not_in_text(
    template: str, param: str, locale: str
) -> None:
    value = f"Före {SCRIPT} & efter"
    rendered = render(template, locale, with_params(template, **{param: value}))
    assert "<script>" not in rendered.html
    assert f"Före {ESCAPED_SCRIPT} &amp; efter" in rendered.html
    assert value in rendered.text
    assert SCRIPT not in rendered.subject


def test_markup_in_a_reply_is_escaped_all_the_same() -> None:
    body = Markup('Hej!\n<script>alert("x")</script>')
    rendered = render("ticket_reply", "en", with_params("ticket_reply", body=body))
    assert "<script>" not in rendered.html
    assert f"Hej!<br>{ESCAPED_SCRIPT}</p>" in rendered.html


def test_a_newline_in_the_case_subject_stays_on_its_line() -> None:
    params = with_params("ticket_reply", subject="Toner\nLink: https://evil.example")
    rendered = render("ticket_reply", "en", params)
    assert "\nSubject: Toner Link: https://evil.example\n" in rendered.text
    assert "\nLink:" not in rendered.text


# --- mistakes ------------------------------------------------------------------------------


@pytest.mark.parametrize("locale", ["sv", "en"])
@pytest.mark.parametrize(
    ("template", "param", "value"),
    [
        ("ticket_created", "category", "BROKEN"),
        ("ticket_created", "category", "fault"),
        ("ticket_created", "department", "SALES"),
        ("ticket_status_changed", "new_status", "ESCALATED"),
        ("ticket_status_changed", "old_status", "REOPENED"),
    ],
)
def test_an_unknown_label_fails_to_render(
    template: str, param: str, value: str, locale: str
) -> None:
    with pytest.raises(EmailTemplateError) as raised:
        render(template, locale, with_params(template, **{param: value}))
    assert value in str(raised.value)
    assert template in str(raised.value)


async def test_an_unknown_status_fails_at_enqueue_time(database: Database) -> None:
    async with database.session() as session:
        with pytest.raises(EmailTemplateError, match="WONTFIX"):
            await enqueue_email(
                session,
                to="anna@example.com",
                locale="sv",
                template="ticket_status_changed",
                **with_params("ticket_status_changed", new_status="WONTFIX"),
            )
        assert not session.new


@pytest.mark.parametrize(
    ("template", "param"),
    [(template, param) for template in TICKET_TEMPLATES for param in SAMPLE_PARAMS[template]],
)
def test_every_param_is_required(template: str, param: str) -> None:
    params = {key: value for key, value in SAMPLE_PARAMS[template].items() if key != param}
    with pytest.raises(EmailTemplateError, match=rf"missing \['{param}'\]"):
        render(template, "sv", params)


def test_an_unexpected_param_is_refused() -> None:
    params = with_params("ticket_reply", status="OPEN")
    with pytest.raises(EmailTemplateError, match=r"unexpected \['status'\]"):
        render("ticket_reply", "en", params)


def test_wrong_types_are_not_rendered() -> None:
    with pytest.raises(TypeError, match="expected a datetime"):
        render("ticket_created", "en", with_params("ticket_created", response_due_at="soon"))
    with pytest.raises(TypeError, match="expected text"):
        render("ticket_reply", "en", with_params("ticket_reply", body=["a", "b"]))


def test_paragraphs() -> None:
    assert paragraphs(None) == []
    assert paragraphs("") == []
    assert paragraphs(" \n\n") == []
    assert paragraphs("\n a\nb \n \n\n c\n") == [[" a", "b "], [" c"]]
    [[line]] = paragraphs(Markup("<b>"))
    assert type(line) is str
