"""Typed configuration, read once at start-up from an optional TOML file and environment variables.

Environment variables win over the file. Names: ``BOT_<FIELD>`` for top-level settings and
``BOT_<SECTION>_<FIELD>`` for a section, e.g. ``BOT_DATA_DIR``, ``BOT_TELEGRAM_TOKEN``.
The TOML file is named by ``BOT_CONFIG`` (default ``bot.toml`` in the working directory, if present).
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

T = typing.TypeVar("T")

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class ConfigError(Exception):
    """A setting is missing or invalid; the message names it."""


def secret() -> Any:
    """A string setting that must never be printed or logged."""
    return field(default="", repr=False, metadata={"secret": True})


@dataclass(frozen=True)
class HttpConfig:
    host: str = "127.0.0.1"
    port: int = 8080
    metrics_token: str = secret()  # when set, /metrics wants `Authorization: Bearer <token>`


@dataclass(frozen=True)
class TelegramConfig:
    token: str = secret()
    base_url: str = "https://api.telegram.org/bot"
    mode: str = "polling"  # "polling" or "webhook"
    webhook_url: str = ""  # public https URL Telegram posts to; its path is served on the bot's web server
    webhook_secret: str = secret()  # checked against X-Telegram-Bot-Api-Secret-Token (A-Za-z0-9_-)
    push_per_second: int = 25  # pushes overall; Telegram allows ~30/s, the rest is kept for replies
    group_per_minute: int = 20  # pushes to one group
    chat_interval_ms: int = 1000  # between pushes to one chat
    concurrent_updates: int = 32  # updates handled at once (each chat's updates stay in order)
    polling_lease_seconds: int = 15  # polling: one process of several polls; a standby takes over after this


@dataclass(frozen=True)
class WechatConfig:
    token: str = secret()
    encoding_aes_key: str = secret()
    app_id: str = ""
    app_secret: str = secret()
    api_base_url: str = "https://api.weixin.qq.com/cgi-bin/"
    path: str = "/wechat"
    require_encryption: bool = False  # refuse plain-mode POSTs (safe mode only)
    compat_mode: bool = False  # 兼容模式: accept plain-mode POSTs although an EncodingAESKey is configured
    replay_window: int = 300  # seconds a callback's timestamp may be off from now
    max_body_bytes: int = 32768
    reply_budget_ms: int = 4000  # answer passively when ready within this; else customer-service message
    cs_per_window: int = 5  # customer-service messages per 48-hour window
    template_id: str = ""  # template for pushes outside the 48-hour window; empty: no template pushes
    template_title_field: str = "first"
    template_body_field: str = "keyword1"
    wecom_api_base_url: str = "https://qyapi.weixin.qq.com/cgi-bin/"
    wecom_robots: dict[str, str] = field(default_factory=dict, repr=False, metadata={"secret": True})
    wecom_format: str = "text"  # "text" or "markdown"


@dataclass(frozen=True)
class RosterConfig:
    id_key: str = secret()  # HMAC key for ID numbers; the roster refuses to import without it
    code_hours: int = 168  # how long a one-time binding code stays valid
    bind_attempts: int = 5  # binding attempts per chat user per hour
    telegram_bot: str = ""  # bot username, for deep links t.me/<bot>?start=b_<code> on code sheets


@dataclass(frozen=True)
class OutboxConfig:
    concurrency: int = 32  # pushes in flight per channel (one per recipient); transports enforce rate limits
    max_attempts: int = 8  # transient failures retried with exponential back-off, then given up
    backoff_seconds: int = 2  # first retry delay; doubles each attempt
    max_backoff_seconds: int = 900
    lease_seconds: int = 30  # a claimed delivery returns to the queue this long after its sender died


@dataclass(frozen=True)
class PostingsConfig:
    review: str = "station"  # liaisons' postings approved by: "station" (their station or the bureau), "bureau", "none"
    default_days: int = 30  # how long a posting without 有效期 stays current


@dataclass(frozen=True)
class WebConfig:
    base_url: str = "http://127.0.0.1:8080"  # how staff reach the pages; sign-up and login links start with it
    secure_cookies: bool = False  # set true behind HTTPS: session cookies get the Secure flag
    idle_minutes: int = 30  # a session unused this long is ended
    max_upload_mb: int = 20  # largest ledger upload
    login_failures: int = 5  # failed logins per account (and 4x per address) in 15 minutes before refusing
    link_minutes: int = 15  # how long a login link from chat stays valid
    invite_hours: int = 72  # how long a sign-up link stays valid
    password_memory_kib: int = 65536  # argon2id memory cost per password check (RFC 9106's second choice: 64 MiB)
    password_time_cost: int = 3  # argon2id passes


@dataclass(frozen=True)
class Config:
    data_dir: Path = PROJECT_ROOT / "data"
    # An SQLite file, or a postgresql://… DSN (its password is never shown); default: <data_dir>/bot.sqlite3
    database: str | None = field(default=None, repr=False)
    content_dir: Path = PROJECT_ROOT / "content"
    log_level: str = "INFO"
    console: bool = True  # run the console channel in `serve` when no platform channel is configured
    http: HttpConfig = field(default_factory=HttpConfig)
    web: WebConfig = field(default_factory=WebConfig)
    telegram: TelegramConfig = field(default_factory=TelegramConfig)
    wechat: WechatConfig = field(default_factory=WechatConfig)
    outbox: OutboxConfig = field(default_factory=OutboxConfig)
    postings: PostingsConfig = field(default_factory=PostingsConfig)
    roster: RosterConfig = field(default_factory=RosterConfig)

    @property
    def database_path(self) -> Path | str:
        """The SQLite file, or the PostgreSQL DSN (a `postgresql://` or `postgres://` URL) as given."""
        if not self.database:
            return self.data_dir / "bot.sqlite3"
        if self.database.startswith(("postgresql://", "postgres://")):
            return self.database
        if "://" in self.database:
            raise ConfigError(
                f"BOT_DATABASE / database: unknown database URL scheme in {self.database.split(':')[0]}://"
            )
        return Path(self.database).expanduser()

    def redacted(self) -> dict[str, Any]:
        """The settings as a dict with every secret replaced, safe to print."""
        return _redact(self)


def load_config(env: Mapping[str, str] | None = None, file: Path | None = None) -> Config:
    """Build the Config from the TOML file (if any) overlaid with environment variables."""
    env = os.environ if env is None else env
    path = file or Path(env.get("BOT_CONFIG", "bot.toml"))
    data: dict[str, Any] = {}
    if path.exists():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
    elif file is not None or "BOT_CONFIG" in env:
        raise ConfigError(f"config file {path} does not exist (named by BOT_CONFIG)")
    config = _build(Config, data, env, prefix="BOT", where=str(path))
    if config.log_level.upper() not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
        raise ConfigError(f"BOT_LOG_LEVEL / log_level: unknown level {config.log_level!r}")
    if config.telegram.mode not in {"polling", "webhook"}:
        raise ConfigError("BOT_TELEGRAM_MODE / telegram.mode: must be 'polling' or 'webhook'")
    if config.postings.review not in {"station", "bureau", "none"}:
        raise ConfigError("BOT_POSTINGS_REVIEW / postings.review: must be 'station', 'bureau' or 'none'")
    if min(config.outbox.concurrency, config.outbox.max_attempts, config.postings.default_days) < 1:
        raise ConfigError("outbox.concurrency, outbox.max_attempts and postings.default_days must be at least 1")
    if config.outbox.lease_seconds < 2:
        raise ConfigError("BOT_OUTBOX_LEASE_SECONDS / outbox.lease_seconds: must be at least 2")
    config.database_path  # noqa: B018  (an unknown database URL fails here, at start-up)
    if config.wechat.wecom_format not in {"text", "markdown"}:
        raise ConfigError("BOT_WECHAT_WECOM_FORMAT / wechat.wecom_format: must be 'text' or 'markdown'")
    web = config.web
    if min(web.idle_minutes, web.max_upload_mb, web.login_failures, web.link_minutes, web.invite_hours) < 1:
        raise ConfigError("web.idle_minutes, max_upload_mb, login_failures, link_minutes, invite_hours: at least 1")
    if web.password_memory_kib < 8192 or web.password_time_cost < 1:
        raise ConfigError("web.password_memory_kib must be at least 8192 and web.password_time_cost at least 1")
    return config


def _build(cls: type[T], data: Mapping[str, Any], env: Mapping[str, str], prefix: str, where: str) -> T:
    if not isinstance(data, Mapping):
        raise ConfigError(f"{where}: [{prefix.lower()}] must be a table")
    hints = typing.get_type_hints(cls)
    known = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    unknown = set(data) - known
    if unknown:
        raise ConfigError(f"{where}: unknown setting(s) {', '.join(sorted(unknown))}")
    values: dict[str, Any] = {}
    for f in dataclasses.fields(cls):  # type: ignore[arg-type]
        hint = hints[f.name]
        env_name = f"{prefix}_{f.name.upper()}"
        if dataclasses.is_dataclass(hint):
            values[f.name] = _build(hint, data.get(f.name, {}), env, env_name, where)  # type: ignore[arg-type]
        elif env_name in env:
            values[f.name] = _convert(hint, env[env_name], env_name)
        elif f.name in data:
            values[f.name] = _convert(hint, data[f.name], f"{where}: {f.name}")
    return cls(**values)


def _convert(hint: Any, raw: Any, name: str) -> Any:
    optional = isinstance(hint, types.UnionType) and type(None) in typing.get_args(hint)
    base = next(a for a in typing.get_args(hint) if a is not type(None)) if optional else hint
    if optional and raw in ("", None):
        return None
    try:
        if base is bool:
            if isinstance(raw, bool):
                return raw
            text = str(raw).strip().lower()
            if text in {"1", "true", "yes", "on"}:
                return True
            if text in {"0", "false", "no", "off"}:
                return False
            raise ValueError("expected true or false")
        if base is int:
            if isinstance(raw, bool):
                raise ValueError("expected a whole number")
            return int(raw)
        if base is Path:
            return Path(str(raw)).expanduser()
        if base is str:
            if not isinstance(raw, str):
                raise ValueError("expected a string")
            return raw
        if typing.get_origin(base) is dict:
            return _string_table(raw)
    except ValueError as exc:
        raise ConfigError(f"{name}: invalid value ({exc})") from None
    raise ConfigError(f"{name}: unsupported setting type {hint}")


def _string_table(raw: Any) -> dict[str, str]:
    """A TOML table of strings, or from the environment `name=value,name=value`."""
    if isinstance(raw, str):
        pairs = [item.partition("=") for item in raw.split(",") if item.strip()]
        if any(not sep or not name.strip() for name, sep, _ in pairs):
            raise ValueError("expected name=value pairs separated by commas")
        raw = {name.strip(): value.strip() for name, _, value in pairs}
    if not isinstance(raw, Mapping) or not all(isinstance(v, str) for v in raw.values()):
        raise ValueError("expected a table of strings")
    return dict(raw)


def _redact_url(url: str) -> str:
    """A DSN with its password replaced."""
    scheme, _, rest = url.partition("://")
    credentials, at, host = rest.rpartition("@")
    if not at or ":" not in credentials:
        return url
    return f"{scheme}://{credentials.split(':', 1)[0]}:***@{host}"


def _redact(obj: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        if dataclasses.is_dataclass(value):
            out[f.name] = _redact(value)
        elif f.metadata.get("secret"):
            out[f.name] = "***" if value else ""
        elif f.name == "database" and isinstance(value, str) and "://" in value:
            out[f.name] = _redact_url(value)
        else:
            out[f.name] = str(value) if isinstance(value, Path) else value
    return out
