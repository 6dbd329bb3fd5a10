"""User-facing messages in the viewer's locale (sv or en), looked up by key."""

from __future__ import annotations

DEFAULT_LOCALE = "en"

CATALOG: dict[str, dict[str, str]] = {
    "invalid_credentials": {
        "en": "The e-mail address or password is wrong.",
        "sv": "E-postadressen eller lösenordet är fel.",
    },
    "too_long": {
        "en": "At most {limit} characters.",
        "sv": "Högst {limit} tecken.",
    },
    "required": {
        "en": "This field is required.",
        "sv": "Fältet måste fyllas i.",
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
