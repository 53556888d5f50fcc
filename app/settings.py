"""Every setting of the application, read from the environment in one place.

Defaults make a fresh checkout run with SQLite under ./data and e-mails kept in the
outbox; production sets at least SECRET_KEY, DATABASE_URL and PUBLIC_BASE_URL.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from app.domain.throttle import parse_networks

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    return int(raw) if raw else default


def _bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name, "").strip().lower()
    if not raw:
        return default
    return raw in {"1", "true", "yes", "on"}


def _secret_key(data_dir: Path) -> str:
    """A stable secret without configuration: generated once and kept in the data folder."""
    configured = os.environ.get("SECRET_KEY", "").strip()
    if configured:
        return configured
    key_file = data_dir / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


def _same_host_origins(base_url: str) -> tuple[str, ...]:
    """The app's own origin; for a local run also its 127.0.0.1/localhost twin, which browsers treat apart."""
    origins = [base_url]
    for a, b in (("//localhost", "//127.0.0.1"), ("//127.0.0.1", "//localhost")):
        if a in base_url:
            origins.append(base_url.replace(a, b))
    return tuple(origins)


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    database_url: str
    redis_url: str | None
    secret_key: str
    public_base_url: str
    cors_origins: tuple[str, ...]
    upload_dir: Path
    upload_max_bytes: int
    smtp_host: str | None
    smtp_port: int
    smtp_user: str | None
    smtp_password: str | None
    smtp_starttls: bool
    smtp_ssl: bool
    mail_from: str
    company_name: str
    default_language: str
    notify_email: str | None = None  # the company's address for warnings such as contract expiries
    contract_warning_days: int = 30
    # Days before a planned intervention when its reminder goes to the customer's users, largest first.
    intervention_reminder_days: str = "30,7"
    # Whether an unpaid item blocks its customer by itself, for customers without a choice of their own.
    unpaid_auto_block: bool = True
    # The optional reasons an order waits for the credit manager; the credit limit and the blocks always apply.
    hold_web_orders: bool = True
    hold_changed_shipping: bool = True
    hold_changed_terms: bool = True
    # Whether the credit job blocks customers with receivables overdue by more than so many days (sospesi).
    overdue_auto_block: bool = False
    overdue_block_days: int = 60
    session_idle_minutes: int = 8 * 60
    session_absolute_days: int = 7
    # An account's wrong passwords in a row before each next attempt waits, the first wait (doubling with each
    # further failure up to login_lock_minutes), and the quiet time after which the row starts again.
    login_max_failures: int = 5
    login_first_delay_seconds: int = 30
    login_window_minutes: int = 15
    login_lock_minutes: int = 15
    # A client address's failed sign-ins and reset requests in login_window_minutes before it waits that long.
    login_address_max_attempts: int = 30
    # The reverse proxies whose X-Forwarded-For is believed (addresses or networks); none: the socket's address.
    trusted_proxies: tuple = ()
    reset_link_minutes: int = 60
    invitation_link_hours: int = 72
    languages: tuple[str, ...] = field(default=("it", "en"))
    # A message missing from a catalog raises instead of being logged and replaced: the tests set it.
    strict_messages: bool = False
    # The largest upload request, several files sent at once: refused before it is read.
    upload_request_max_bytes: int = 100 * 1024 * 1024
    # How long browsers keep to HTTPS once told (Strict-Transport-Security); 0 sends no such header.
    hsts_seconds: int = 0
    # How many support requests and replies (each e-mailed to staff) a reserved-area user may send per hour.
    portal_mail_per_hour: int = 20
    # How long Reflex keeps the state of a signed-out browser tab after its last event (signed-in: an hour).
    anonymous_state_minutes: int = 10
    # Requests one REST API key may make per minute before it is answered 429 (counted in Redis when used).
    api_rate_limit: int = 600

    @property
    def smtp_configured(self) -> bool:
        return bool(self.smtp_host)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def load_settings() -> Settings:
    data_dir = Path(os.environ.get("DATA_DIR", PROJECT_ROOT / "data")).resolve()
    database_url = os.environ.get("DATABASE_URL", "").strip() or f"sqlite:///{data_dir / 'registry.db'}"
    public_base_url = os.environ.get("PUBLIC_BASE_URL", "http://localhost:3000").rstrip("/")
    cors = os.environ.get("CORS_ORIGINS", "").strip()
    return Settings(
        data_dir=data_dir,
        database_url=database_url,
        redis_url=os.environ.get("REDIS_URL", "").strip() or None,
        secret_key=_secret_key(data_dir),
        public_base_url=public_base_url,
        cors_origins=tuple(o.strip() for o in cors.split(",") if o.strip()) or _same_host_origins(public_base_url),
        upload_dir=Path(os.environ.get("UPLOAD_DIR", data_dir / "uploads")).resolve(),
        upload_max_bytes=_int("UPLOAD_MAX_MB", 20) * 1024 * 1024,
        upload_request_max_bytes=_int("UPLOAD_REQUEST_MAX_MB", 5 * _int("UPLOAD_MAX_MB", 20)) * 1024 * 1024,
        smtp_host=os.environ.get("SMTP_HOST", "").strip() or None,
        smtp_port=_int("SMTP_PORT", 25),
        smtp_user=os.environ.get("SMTP_USER", "").strip() or None,
        smtp_password=os.environ.get("SMTP_PASSWORD") or None,
        smtp_starttls=_bool("SMTP_STARTTLS", False),
        smtp_ssl=_bool("SMTP_SSL", False),
        mail_from=os.environ.get("MAIL_FROM", "Anagrafica clienti <noreply@localhost>"),
        company_name=os.environ.get("COMPANY_NAME", "Anagrafica Clienti"),
        default_language=os.environ.get("DEFAULT_LANGUAGE", "it"),
        notify_email=os.environ.get("NOTIFY_EMAIL", "").strip() or None,
        contract_warning_days=_int("CONTRACT_WARNING_DAYS", 30),
        intervention_reminder_days=os.environ.get("INTERVENTION_REMINDER_DAYS", "30,7"),
        unpaid_auto_block=_bool("UNPAID_AUTO_BLOCK", True),
        hold_web_orders=_bool("HOLD_WEB_ORDERS", True),
        hold_changed_shipping=_bool("HOLD_CHANGED_SHIPPING", True),
        hold_changed_terms=_bool("HOLD_CHANGED_TERMS", True),
        overdue_auto_block=_bool("OVERDUE_AUTO_BLOCK", False),
        overdue_block_days=max(1, _int("OVERDUE_BLOCK_DAYS", 60)),
        strict_messages=_bool("STRICT_MESSAGES", False),
        portal_mail_per_hour=_int("PORTAL_MAIL_PER_HOUR", 20),
        login_address_max_attempts=max(1, _int("LOGIN_ADDRESS_MAX_ATTEMPTS", 30)),
        trusted_proxies=parse_networks(os.environ.get("TRUSTED_PROXIES", "")),
        anonymous_state_minutes=max(1, _int("ANONYMOUS_STATE_MINUTES", 10)),
        api_rate_limit=max(1, _int("API_RATE_LIMIT", 600)),
        # Served over HTTPS: a year, unless said otherwise; over plain HTTP browsers ignore it anyway.
        hsts_seconds=_int("HSTS_SECONDS", 365 * 24 * 3600 if public_base_url.startswith("https://") else 0),
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()
