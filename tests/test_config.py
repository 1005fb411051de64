import os
from pathlib import Path

import pytest

from bot.config import ConfigError, load_config


def test_defaults_without_file_or_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    config = load_config({})
    assert config.database_path == config.data_dir / "bot.sqlite3"
    assert config.telegram.token == ""
    assert config.http.port == 8080


def test_environment_overrides_file(tmp_path: Path) -> None:
    file = tmp_path / "bot.toml"
    file.write_text('data_dir = "/srv/bot"\n[http]\nport = 9000\n[telegram]\ntoken = "from-file"\n', encoding="utf-8")
    config = load_config({"BOT_CONFIG": str(file), "BOT_HTTP_PORT": "9100"})
    assert config.data_dir == Path("/srv/bot")
    assert config.http.port == 9100
    assert config.telegram.token == "from-file"


def test_secrets_never_shown(tmp_path: Path) -> None:
    config = load_config({"BOT_TELEGRAM_TOKEN": "123456:SECRET", "BOT_WECHAT_APP_SECRET": "s3cr3t"})
    assert "SECRET" not in repr(config)
    assert "s3cr3t" not in repr(config)
    shown = str(config.redacted())
    assert "SECRET" not in shown and "***" in shown


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"BOT_HTTP_PORT": "eighty"}, "BOT_HTTP_PORT"),
        ({"BOT_CONSOLE": "maybe"}, "BOT_CONSOLE"),
        ({"BOT_LOG_LEVEL": "LOUD"}, "BOT_LOG_LEVEL"),
        ({"BOT_TELEGRAM_MODE": "carrier-pigeon"}, "BOT_TELEGRAM_MODE"),
        ({"BOT_CONFIG": "/nonexistent/bot.toml"}, "/nonexistent/bot.toml"),
    ],
)
def test_invalid_settings_are_named(env: dict[str, str], named: str) -> None:
    with pytest.raises(ConfigError, match=named):
        load_config(env)


def test_bad_file_is_named(tmp_path: Path) -> None:
    file = tmp_path / "bot.toml"
    file.write_text("data_dir = \n", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config({"BOT_CONFIG": str(file)})
    file.write_text("colour = 'blue'\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="colour"):
        load_config({"BOT_CONFIG": str(file)})


def test_a_postgresql_database_is_a_dsn_never_a_directory_and_its_password_is_hidden(tmp_path: Path) -> None:
    config = load_config({"BOT_DATABASE": "postgresql://bot:pa55word@db.internal:5432/wuzhai"})
    assert config.database_path == "postgresql://bot:pa55word@db.internal:5432/wuzhai"
    assert "pa55word" not in repr(config)
    shown = str(config.redacted())
    assert "pa55word" not in shown and "postgresql://bot:***@db.internal:5432/wuzhai" in shown
    sqlite = load_config({"BOT_DATABASE": str(tmp_path / "x.sqlite3")})
    assert sqlite.database_path == tmp_path / "x.sqlite3"


def test_an_unknown_database_url_is_refused() -> None:
    with pytest.raises(ConfigError, match="BOT_DATABASE"):
        load_config({"BOT_DATABASE": "mysql://bot@db/wuzhai"})


async def test_an_unreachable_server_is_a_clear_error_and_creates_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from storage import Database, StorageError

    monkeypatch.chdir(tmp_path)
    with pytest.raises(StorageError, match="cannot connect") as refused:
        await Database.open("postgresql://bot:pa55word@127.0.0.1:1/wuzhai")
    assert "pa55word" not in str(refused.value)
    assert os.listdir(tmp_path) == []  # no directory named "postgresql:"
