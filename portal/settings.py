"""Settings read once from PORTAL_* environment variables and passed down explicitly."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from datetime import timedelta
from enum import StrEnum
from pathlib import Path

# A fixed, public key keeps development sessions valid across restarts; production refuses it.
DEVELOPMENT_SECRET_KEY = "development-only-secret-key-do-not-use-in-production"
MIN_SECRET_KEY_LENGTH = 32


class Environment(StrEnum):
    DEVELOPMENT = "development"
    PRODUCTION = "production"


class SettingsError(ValueError):
    """A setting is missing or malformed; the message names the variable."""


@dataclasses.dataclass(frozen=True, slots=True)
class Settings:
    env: Environment = Environment.DEVELOPMENT
    # None means "start the embedded PostgreSQL under data_dir" (development only).
    database_url: str | None = None
    secret_key: str = DEVELOPMENT_SECRET_KEY
    smtp_url: str | None = None
    mail_from: str = "Portal <no-reply@portal.invalid>"
    # Where the portal's web front end lives: links in e-mails point there.
    public_url: str = "http://localhost:3000"
    # Whether `portal serve` runs the e-mail delivery worker in-process.
    run_worker: bool = True
    data_dir: Path = Path(".portal")
    host: str = "127.0.0.1"
    port: int = 8000
    session_ttl: timedelta = timedelta(days=14)
    db_pool_size: int = 10
    db_max_overflow: int = 5
    db_pool_timeout: float = 5.0
    log_level: str = "info"
    # An HTTP operation running longer is cancelled, its database statement with it (504).
    operation_timeout_seconds: int = 10
    # WebSockets one process holds at once; past it a handshake is closed 1013 (try again).
    max_websockets: int = 5000
    # On SIGTERM/SIGINT: how long requests in flight may take to finish before they are cut.
    shutdown_grace_seconds: int = 10
    # Browser origins allowed to call the API with credentials (CORS, WebSocket handshakes).
    cors_origins: tuple[str, ...] = ()
    # Introspection: on in development; in production only when PORTAL_INTROSPECTION=1.
    introspection: bool = True
    # The query-cost budget per client (schema/budget.py): points, and refill per second.
    cost_budget: int = 2000
    cost_refill_per_second: int = 100
    # Queries that map to columns run as one SQL statement returning the JSON (compiled/).
    compiled_reads: bool = True

    @property
    def is_production(self) -> bool:
        return self.env is Environment.PRODUCTION

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        raw_env = env.get("PORTAL_ENV", Environment.DEVELOPMENT.value)
        try:
            environment = Environment(raw_env)
        except ValueError:
            raise SettingsError(
                f"PORTAL_ENV must be 'development' or 'production', not {raw_env!r}"
            ) from None
        settings = cls(
            env=environment,
            database_url=env.get("PORTAL_DATABASE_URL") or None,
            secret_key=env.get("PORTAL_SECRET_KEY") or DEVELOPMENT_SECRET_KEY,
            smtp_url=env.get("PORTAL_SMTP_URL") or None,
            mail_from=env.get("PORTAL_MAIL_FROM") or "Portal <no-reply@portal.invalid>",
            public_url=(env.get("PORTAL_PUBLIC_URL") or "http://localhost:3000").rstrip("/"),
            run_worker=env.get("PORTAL_RUN_WORKER", "1") not in ("0", "false", "no"),
            data_dir=Path(env.get("PORTAL_DATA_DIR") or ".portal").resolve(),
            host=env.get("HOST") or env.get("PORTAL_HOST") or "127.0.0.1",
            port=_int(env, "PORT", _int(env, "PORTAL_PORT", 8000)),
            session_ttl=timedelta(hours=_int(env, "PORTAL_SESSION_TTL_HOURS", 14 * 24)),
            db_pool_size=_int(env, "PORTAL_DB_POOL_SIZE", 10),
            db_max_overflow=_int(env, "PORTAL_DB_MAX_OVERFLOW", 5),
            db_pool_timeout=float(_int(env, "PORTAL_DB_POOL_TIMEOUT_SECONDS", 5)),
            log_level=env.get("PORTAL_LOG_LEVEL", "info").lower(),
            operation_timeout_seconds=_positive(env, "PORTAL_OPERATION_TIMEOUT_SECONDS", 10),
            max_websockets=_int(env, "PORTAL_MAX_WEBSOCKETS", 5000),
            shutdown_grace_seconds=_int(env, "PORTAL_SHUTDOWN_GRACE_SECONDS", 10),
            cors_origins=tuple(
                origin.strip().rstrip("/")
                for origin in env.get("PORTAL_CORS_ORIGINS", "").split(",")
                if origin.strip()
            ),
            introspection=env.get(
                "PORTAL_INTROSPECTION", "0" if environment is Environment.PRODUCTION else "1"
            )
            not in ("0", "false", "no"),
            cost_budget=_int(env, "PORTAL_COST_BUDGET", 2000),
            cost_refill_per_second=_int(env, "PORTAL_COST_REFILL_PER_SECOND", 100),
            compiled_reads=env.get("PORTAL_COMPILED_READS", "1") not in ("0", "false", "no"),
        )
        settings.validate()
        return settings

    def validate(self) -> None:
        if not self.is_production:
            return
        if not self.database_url:
            raise SettingsError("PORTAL_DATABASE_URL is required when PORTAL_ENV=production")
        if (
            self.secret_key == DEVELOPMENT_SECRET_KEY
            or len(self.secret_key) < MIN_SECRET_KEY_LENGTH
        ):
            raise SettingsError(
                "PORTAL_SECRET_KEY must be set to a random string of at least "
                f"{MIN_SECRET_KEY_LENGTH} characters when PORTAL_ENV=production"
            )

    def replace(self, **changes: object) -> Settings:
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]


def _positive(env: Mapping[str, str], name: str, default: int) -> int:
    value = _int(env, name, default)
    if value < 1:
        raise SettingsError(f"{name} must be at least 1, not {value}")
    return value


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a whole number, not {raw!r}") from None
