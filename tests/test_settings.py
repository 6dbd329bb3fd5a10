"""Settings from PORTAL_* variables; production refuses to start half-configured."""

from __future__ import annotations

import pytest

from portal.settings import DEVELOPMENT_SECRET_KEY, Environment, Settings, SettingsError

REAL_KEY = "k" * 48
REAL_URL = "postgresql://portal:secret@db.internal:5432/portal"


def test_development_defaults_need_nothing() -> None:
    settings = Settings.from_env({})
    assert settings.env is Environment.DEVELOPMENT
    assert settings.database_url is None  # the embedded server
    assert (settings.host, settings.port) == ("127.0.0.1", 8000)


def test_host_and_port_come_from_host_and_port() -> None:
    settings = Settings.from_env({"HOST": "::1", "PORT": "9001"})
    assert (settings.host, settings.port) == ("::1", 9001)


@pytest.mark.parametrize(
    ("environ", "complaint"),
    [
        ({"PORTAL_SECRET_KEY": REAL_KEY}, "PORTAL_DATABASE_URL"),
        ({"PORTAL_DATABASE_URL": REAL_URL}, "PORTAL_SECRET_KEY"),
        ({"PORTAL_DATABASE_URL": REAL_URL, "PORTAL_SECRET_KEY": "short"}, "PORTAL_SECRET_KEY"),
        (
            {"PORTAL_DATABASE_URL": REAL_URL, "PORTAL_SECRET_KEY": DEVELOPMENT_SECRET_KEY},
            "PORTAL_SECRET_KEY",
        ),
    ],
)
def test_production_refuses_to_start_half_configured(
    environ: dict[str, str], complaint: str
) -> None:
    with pytest.raises(SettingsError, match=complaint):
        Settings.from_env({"PORTAL_ENV": "production", **environ})


def test_production_with_a_database_and_a_key_is_accepted() -> None:
    settings = Settings.from_env(
        {"PORTAL_ENV": "production", "PORTAL_DATABASE_URL": REAL_URL, "PORTAL_SECRET_KEY": REAL_KEY}
    )
    assert settings.is_production


@pytest.mark.parametrize(
    ("environ", "complaint"),
    [({"PORTAL_ENV": "staging"}, "PORTAL_ENV"), ({"PORT": "eighty"}, "PORT")],
)
def test_malformed_settings_are_named(environ: dict[str, str], complaint: str) -> None:
    with pytest.raises(SettingsError, match=complaint):
        Settings.from_env(environ)
