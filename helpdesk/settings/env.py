"""Strict readers for configuration from the environment.

Each reader fails loudly, naming the variable, when a value cannot be understood, so a typo
in production stops the process instead of silently switching a feature off.
"""

import os

import environ

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


class ConfigurationError(SystemExit):
    """A variable holds a value this project cannot use.

    A SystemExit, so the process stops with this one line on standard error and no traceback.
    """

    def __init__(self, reason: str):
        super().__init__(f"helpdesk: refusing to start: {reason}")


def read_bool(name: str, *, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ConfigurationError(f"{name}={raw!r} is not a boolean (use true or false)")


def read_int(name: str, *, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ConfigurationError(f"{name}={raw!r} is not a whole number") from None


def read_list(name: str, *, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def read_str(name: str, *, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def read_database(name: str, *, default: str) -> dict:
    url = read_str(name, default=default)
    scheme = url.split("://", 1)[0]
    if scheme not in environ.Env.DB_SCHEMES:
        raise ConfigurationError(f"{name} is not a database URL (postgres://… or sqlite:///…)")
    try:
        return environ.Env.db_url_config(url)
    except Exception as error:
        raise ConfigurationError(f"{name} is not a database URL: {error}") from None


def read_email(name: str, *, default: str) -> dict:
    url = read_str(name, default=default)
    try:
        return environ.Env.email_url_config(url)
    except Exception as error:
        raise ConfigurationError(f"{name} is not an e-mail URL: {error}") from None


def read_redis_url(name: str) -> str:
    url = read_str(name)
    if url and not url.startswith(("redis://", "rediss://", "unix://")):
        raise ConfigurationError(f"{name}={url!r} is not a redis:// URL")
    return url
