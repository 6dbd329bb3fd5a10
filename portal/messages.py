"""User-facing messages in the viewer's locale (sv or en), looked up by key."""

from __future__ import annotations

DEFAULT_LOCALE = "en"

CATALOG: dict[str, dict[str, str]] = {
    "invalid_credentials": {
        "en": "The e-mail address or password is wrong.",
        "sv": "E-postadressen eller lösenordet är fel.",
    },
    "email_not_verified": {
        "en": "Confirm your e-mail address first: follow the link we sent you.",
        "sv": "Bekräfta din e-postadress först: följ länken vi skickade till dig.",
    },
    "required": {"en": "This field is required.", "sv": "Fältet måste fyllas i."},
    "too_long": {"en": "At most {limit} characters.", "sv": "Högst {limit} tecken."},
    "invalid_email": {
        "en": "This is not an e-mail address.",
        "sv": "Det här är ingen e-postadress.",
    },
    "password_too_short": {
        "en": "Use at least {limit} characters.",
        "sv": "Använd minst {limit} tecken.",
    },
    "password_too_long": {
        "en": "Use at most {limit} characters.",
        "sv": "Använd högst {limit} tecken.",
    },
    "password_too_similar": {
        "en": "The password must not contain your name or e-mail address.",
        "sv": "Lösenordet får inte innehålla ditt namn eller din e-postadress.",
    },
    "invalid_locale": {"en": "Choose sv or en.", "sv": "Välj sv eller en."},
    "invalid_timezone": {
        "en": "Not a known IANA time zone (e.g. Europe/Stockholm).",
        "sv": "Ingen känd IANA-tidszon (t.ex. Europe/Stockholm).",
    },
    "invalid_country": {
        "en": "Use a two-letter country code (ISO 3166-1), e.g. SE.",
        "sv": "Ange en landskod med två bokstäver (ISO 3166-1), t.ex. SE.",
    },
    "invalid_id": {
        "en": "This is not the ID of a {type}.",
        "sv": "Det här är inget ID för {type}.",
    },
    "not_found": {
        "en": "Not found, or not yours to see.",
        "sv": "Hittades inte, eller så får du inte se den.",
    },
    "forbidden": {
        "en": "You may not do this.",
        "sv": "Du får inte göra detta.",
    },
    "already_member": {
        "en": "This person is already a member of the account.",
        "sv": "Personen är redan medlem i kontot.",
    },
    "already_exists": {
        "en": "{what} is already in use.",
        "sv": "{what} används redan.",
    },
    "already_requested": {
        "en": "You have already asked to join this account; its administrators will answer.",
        "sv": "Du har redan bett om att få gå med i kontot; dess administratörer svarar.",
    },
    "already_decided": {
        "en": "This request has already been answered.",
        "sv": "Den här förfrågan är redan besvarad.",
    },
    "token_invalid": {
        "en": "The link is invalid, used or expired. Ask for a new one.",
        "sv": "Länken är ogiltig, redan använd eller har gått ut. Be om en ny.",
    },
    "last_admin": {
        "en": "An account must keep at least one administrator.",
        "sv": "Ett konto måste ha minst en administratör.",
    },
    "not_member": {
        "en": "This person is not a member of the account.",
        "sv": "Personen är inte medlem i kontot.",
    },
    "duplicate": {"en": "Listed more than once.", "sv": "Angiven mer än en gång."},
    "out_of_range": {
        "en": "Must be between {low} and {high}.",
        "sv": "Måste vara mellan {low} och {high}.",
    },
    "too_many": {"en": "At most {limit} items.", "sv": "Högst {limit} poster."},
    "category_needs_device": {
        "en": "This kind of case is about a device: choose one.",
        "sv": "Den här typen av ärende gäller en enhet: välj en.",
    },
    "category_not_for_device": {
        "en": "This kind of case is about the account, not a device.",
        "sv": "Den här typen av ärende gäller kontot, inte en enhet.",
    },
    "device_not_active": {
        "en": "The device is no longer active.",
        "sv": "Enheten är inte längre aktiv.",
    },
    "device_request_open": {
        "en": "The device already has an open move or removal request.",
        "sv": "Enheten har redan en öppen begäran om flytt eller bortforsling.",
    },
    "date_in_past": {
        "en": "The date has already passed.",
        "sv": "Datumet har redan passerat.",
    },
    "invalid_transition": {
        "en": "A case that is {current} cannot be set to {target}.",
        "sv": "Ett ärende med status {current} kan inte få status {target}.",
    },
    "internal_staff_only": {
        "en": "Only the provider's staff write internal notes.",
        "sv": "Bara leverantörens personal skriver interna anteckningar.",
    },
    "ticket_closed": {
        "en": "The case is closed; raise a new one.",
        "sv": "Ärendet är stängt; skapa ett nytt.",
    },
    "model_has_no_meters": {
        "en": "This device's model has no meters to read.",
        "sv": "Den här enhetens modell har inga mätare att läsa av.",
    },
    "meter_already_today": {
        "en": "This device's meters were already read today.",
        "sv": "Enhetens mätare har redan lästs av i dag.",
    },
    "meter_values_missing": {
        "en": "Give one value for each of the device's meters: {kinds}.",
        "sv": "Ange ett värde för var och en av enhetens mätare: {kinds}.",
    },
    "meter_kind_not_supported": {
        "en": "The device's model has no such meter.",
        "sv": "Enhetens modell har ingen sådan mätare.",
    },
    "meter_above_total": {
        "en": "{kind} cannot be above TOTAL.",
        "sv": "{kind} kan inte vara högre än TOTAL.",
    },
    "meter_decreased": {
        "en": "Lower than the previous reading: {previous} on {date}.",
        "sv": "Lägre än föregående avläsning: {previous} den {date}.",
    },
    "meter_implausible": {
        "en": "This means {daily} pages a day, far above the usual {usual}. Check the value, "
        "or confirm it if it is right.",
        "sv": "Det motsvarar {daily} sidor per dag, långt över de vanliga {usual}. Kontrollera "
        "värdet, eller bekräfta det om det stämmer.",
    },
    "too_many_readings": {
        "en": "At most {limit} readings in one call.",
        "sv": "Högst {limit} avläsningar per anrop.",
    },
    "staff_only": {"en": "Staff only.", "sv": "Endast personal."},
    "supply_not_compatible": {
        "en": "This item does not fit the device's model.",
        "sv": "Artikeln passar inte enhetens modell.",
    },
    "duplicate_open_order": {
        "en": "Already on open order {number} for this device.",
        "sv": "Finns redan på den öppna beställningen {number} för enheten.",
    },
    "tracking_required": {
        "en": "A shipped order needs the carrier's tracking reference.",
        "sv": "En skickad beställning behöver transportörens spårningsnummer.",
    },
    "idempotency_key_reused": {
        "en": "This idempotency key was used for a different request.",
        "sv": "Den här idempotensnyckeln användes för en annan begäran.",
    },
    "no_matching_device": {
        "en": "No account has this customer number with a device of this serial number.",
        "sv": "Inget konto har detta kundnummer med en enhet med detta serienummer.",
    },
}


def translate(key: str, locale: str, **params: object) -> str:
    texts = CATALOG[key]
    return texts.get(locale, texts[DEFAULT_LOCALE]).format(**params)


def preferred_locale(accept_language: str | None) -> str:
    """The first of sv/en named in an Accept-Language header, by the header's preference."""
    if not accept_language:
        return DEFAULT_LOCALE
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(accept_language.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        ranked.append((-quality, position, tag.strip().lower()[:2]))
    for _, _, language in sorted(ranked):
        if language in ("sv", "en"):
            return language
    return DEFAULT_LOCALE
