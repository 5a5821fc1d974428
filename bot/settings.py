"""Settings from the environment and `.env` (see `.env.example`); built once in `__main__`."""

from __future__ import annotations

import re
from datetime import date, time
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.errors import ConfigError


class Settings(BaseSettings):
    """Everything an operator can set. Tests build it with `Settings(_env_file=None, ...)`."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    # Telegram
    telegram_bot_token: SecretStr | None = None
    telegram_api_url: str = "https://api.telegram.org"
    telegram_poll_timeout: int = Field(default=30, ge=0, le=50)
    telegram_rate_per_s: float = Field(default=30.0, gt=0)
    telegram_chat_rate_per_s: float = Field(default=1.0, gt=0)
    telegram_group_rate_per_min: float = Field(default=20.0, gt=0)
    # a direct reply's burst per chat (1 = every message 1/TELEGRAM_CHAT_RATE_PER_S s apart)
    telegram_chat_burst: int = Field(default=3, ge=1, le=5)
    telegram_group_burst: int = Field(default=3, ge=1, le=10)
    # unanswered messages one chat may have waiting; beyond: one notice, the excess skipped
    chat_backlog: int = Field(default=10, ge=1, le=1000)
    telegram_webhook_url: str | None = None  # set: webhook mode on the web server, no polling
    telegram_webhook_secret: SecretStr | None = None

    # WhatsApp Business Cloud API (channel on when the token and phone number id are set)
    whatsapp_access_token: SecretStr | None = None
    whatsapp_phone_number_id: str | None = None
    whatsapp_app_secret: SecretStr | None = None
    whatsapp_verify_token: SecretStr | None = None
    whatsapp_api_url: str = "https://graph.facebook.com"
    whatsapp_api_version: str = "v23.0"
    whatsapp_template_summons: str = "jb_panggilan_rekam"
    whatsapp_template_reminder: str = "jb_pengingat"
    whatsapp_template_notice: str = "jb_pemberitahuan"
    whatsapp_template_language: str = "id"
    whatsapp_rate: float = Field(default=80.0, gt=0)
    whatsapp_user_interval_s: float = Field(default=6.0, ge=0)

    # Web server for webhooks (WhatsApp, Telegram webhook mode) and /healthz
    host: str = "127.0.0.1"
    port: int = Field(default=8080, ge=1, le=65535)

    # Storage and locale
    database_path: Path = Path("data/jemput.sqlite3")
    # PostgreSQL instead of the SQLite file (see README "Scaling out"): postgresql://user:pw@host/db
    database_url: SecretStr | None = None
    # Several `jemput run` workers on one database: heartbeat interval and how long a silent
    # worker counts as alive (its leases and in-flight rows are taken over after that).
    worker_beat_s: float = Field(default=2.0, gt=0)
    worker_ttl_s: float = Field(default=6.0, gt=0)
    timezone: str = "Asia/Jakarta"
    default_language: str = "id"
    regions_file: Path | None = None
    city_code: str = Field(default="19.71", pattern=r"^\d{2}\.?\d{2}$")

    # People
    staff_chat_id: str | None = None
    admin_user_ids: Annotated[list[str], NoDecode] = Field(default_factory=list)

    # Office (shown in /bantuan and in summons)
    office_name: str = "Dinas Kependudukan dan Pencatatan Sipil Kota Pangkalpinang"
    office_address: str = "Jl. Rasakunda No. 1, Kota Pangkalpinang"
    office_hours: str = "Senin–Kamis 08.00–15.00, Jumat 08.00–11.00 WIB"
    office_hours_en: str = "Mon–Thu 08:00–15:00, Fri 08:00–11:00 WIB"
    office_phone: str = ""
    office_requirements: str = "KK asli (Kartu Keluarga)"
    office_requirements_en: str = "your original KK (family card)"

    # Verification
    verify_max_failures: int = Field(default=5, ge=1)
    verify_window_minutes: int = Field(default=60, ge=1)
    max_linked_residents: int = Field(default=5, ge=1, le=20)

    # Outreach (summons, reminders, sending windows)
    summons_hour: int = Field(default=9, ge=0, le=23)
    summons_interval_days: int = Field(default=14, ge=0)
    summons_max: int = Field(default=6, ge=1)
    send_window_start: str = "08:00"
    send_window_end: str = "19:00"
    send_on_sunday: bool = False
    holidays_file: Path | None = None
    notify_16th_birthday: bool = False
    campaign_deadline: date | None = None
    digest_hour: int = Field(default=7, ge=0, le=23)

    # Jemput bola orders (visits ordered by officials and residents)
    order_lead_days: int = Field(default=3, ge=1)
    order_max_days: int = Field(default=60, ge=1, le=366)
    order_min_participants: int = Field(default=10, ge=1)
    order_sla_days: int = Field(default=2, ge=1)
    escalation_chat_id: str | None = None
    bot_username: str = ""
    team_default_per_kit: int = Field(default=25, ge=1)
    visit_reminder_hour: int = Field(default=15, ge=0, le=23)
    escalation_hour: int = Field(default=8, ge=0, le=23)

    # Operations (ops): backups, health, error log, built-in holidays
    backup_dir: Path | None = None  # empty: `backups/` beside the database
    backup_hour: int = Field(default=1, ge=0, le=23)
    backup_keep: int = Field(default=14, ge=1)  # days of daily backups kept
    health_poll_stale_s: float = Field(default=120.0, gt=0)  # /healthz 503 after this
    error_log: Path | None = None  # empty: `errors.log` beside the database
    holidays_country: str = "ID"  # national holidays built in (`holidays` package); empty: off

    # Field results, school drives, progress (kit sync, SIAK statuses, /sekolah, /laporan)
    sync_grace_days: int = Field(default=7, ge=0)  # hold summons while a visit's results wait
    school_months: int = Field(default=6, ge=0, le=24)  # "turns 17 within N months"
    import_max_mb: float = Field(default=20.0, gt=0)  # largest field import file (CLI and chat)
    # Import file bounds (imports): every import, CLI and chat (bot/imports/limits.py)
    import_max_rows: int = Field(default=2_000_000, ge=1)
    import_max_columns: int = Field(default=100, ge=1)
    import_max_cell_chars: int = Field(default=1000, ge=16)
    import_max_unzipped_mb: float = Field(default=1024.0, gt=0)  # .xlsx unpacked, all parts
    import_max_zip_ratio: float = Field(default=100.0, gt=1)  # .xlsx part unpacked/stored
    visit_capacity: int = Field(default=0, ge=0)  # recordings per visit; 0: from active teams

    # Staff web console (/konsol/, #11): the address staff open (behind the HTTPS proxy);
    # empty: http://HOST:PORT. Login links from /konsol last CONSOLE_LINK_MINUTES; a session
    # ends after CONSOLE_IDLE_HOURS without a request.
    console_url: str = ""
    console_link_minutes: int = Field(default=10, ge=1, le=60)
    console_idle_hours: float = Field(default=8.0, gt=0, le=24)

    @field_validator("admin_user_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        if isinstance(value, int):
            return [str(value)]
        return value

    @field_validator("backup_dir", "error_log", "holidays_file", "regions_file", mode="before")
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("database_path", "backup_dir", "error_log", "holidays_file", "regions_file")
    @classmethod
    def _absolute(cls, value: Path | None) -> Path | None:
        """Paths are resolved once, against the folder the command was started in."""
        return value.expanduser().resolve() if value is not None else None

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}") from None
        return value

    @field_validator("default_language")
    @classmethod
    def _language(cls, value: str) -> str:
        if value not in ("id", "en"):
            raise ValueError("must be 'id' or 'en'")
        return value

    @field_validator("send_window_start", "send_window_end")
    @classmethod
    def _hhmm(cls, value: str) -> str:
        parse_hhmm(value)
        return value

    @field_validator("telegram_api_url", "whatsapp_api_url", "console_url")
    @classmethod
    def _no_trailing_slash(cls, value: str) -> str:
        return value.rstrip("/")

    @field_validator("telegram_webhook_secret")
    @classmethod
    def _telegram_secret(cls, value: SecretStr | None) -> SecretStr | None:
        secret = value.get_secret_value() if value is not None else ""
        if value is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret):
            raise ValueError("1-256 characters of A-Z, a-z, 0-9, _ and -")
        return value

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: SecretStr | None) -> SecretStr | None:
        url = value.get_secret_value().strip() if value is not None else ""
        if url and not url.startswith(("postgresql://", "postgres://")):
            raise ValueError("a PostgreSQL URL: postgresql://user:password@host:5432/name")
        return SecretStr(url) if url else None

    @property
    def database(self) -> Path | str:
        """Where the data is: the DATABASE_URL (PostgreSQL) when set, else DATABASE_PATH."""
        return self.database_url.get_secret_value() if self.database_url else self.database_path

    @property
    def backup_folder(self) -> Path:
        """BACKUP_DIR, or `backups/` beside the database."""
        return self.backup_dir or self.database_path.parent / "backups"

    @property
    def error_log_path(self) -> Path:
        """ERROR_LOG, or `errors.log` beside the database."""
        return self.error_log or self.database_path.parent / "errors.log"

    @property
    def whatsapp_enabled(self) -> bool:
        """True when the WhatsApp channel is configured."""
        return self.whatsapp_access_token is not None and bool(self.whatsapp_phone_number_id)

    @property
    def console_base(self) -> str:
        """The console's public address without a trailing slash (CONSOLE_URL, else HOST:PORT)."""
        return self.console_url or f"http://{self.host}:{self.port}/konsol"

    def window(self) -> tuple[time, time | None]:
        """Sending window as local times; an end of None means midnight (24:00)."""
        return parse_hhmm(self.send_window_start) or time(0), parse_hhmm(self.send_window_end)

    def is_admin(self, user_id: str | None) -> bool:
        """True for the Telegram user ids in ADMIN_USER_IDS."""
        return user_id is not None and user_id in self.admin_user_ids


def parse_hhmm(value: str) -> time | None:
    """'08:00' → time(8, 0); '24:00' → None (end of day)."""
    try:
        hh, mm = (int(part) for part in value.strip().split(":"))
    except ValueError:
        raise ValueError(f"expected HH:MM, got {value!r}") from None
    if (hh, mm) == (24, 0):
        return None
    if not (0 <= hh <= 23 and 0 <= mm <= 59):
        raise ValueError(f"expected HH:MM, got {value!r}")
    return time(hh, mm)


def load_settings(**overrides: object) -> Settings:
    """Build settings from the environment; turn validation errors into one ConfigError line."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']).upper() or 'settings'}: {err['msg']}"
            for err in exc.errors()
        )
        raise ConfigError(f"Invalid settings — {problems}") from None
