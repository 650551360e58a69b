"""Strict reads of the environment.

django-environ casts values, but its boolean cast turns any unknown word into False
(``DEBUG=maybe`` would silently mean "off"), and a malformed URL surfaces as a KeyError
deep inside start-up. These helpers wrap it so that a bad value stops start-up with a
message naming the variable.
"""

import os

import environ
from django.core.exceptions import ImproperlyConfigured

env = environ.Env()

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"Environment variable {name}={raw!r} is not a boolean: use true or false."
    )


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(
            f"Environment variable {name}={raw!r} is not a whole number."
        ) from None


def env_db(name: str, default: str) -> dict:
    raw = os.environ.get(name) or default
    try:
        config = env.db_url_config(raw)
    except (KeyError, ValueError) as exc:
        raise ImproperlyConfigured(
            f"Environment variable {name} is not a database URL this portal understands "
            f"(postgres://… or sqlite:///…): {exc}"
        ) from None
    engine = config.get("ENGINE", "")
    if not engine.endswith(("postgresql", "sqlite3")):
        raise ImproperlyConfigured(
            f"Environment variable {name}: only PostgreSQL and SQLite are supported."
        )
    return config


def env_redis_url(name: str) -> str:
    raw = (os.environ.get(name) or "").strip()
    if raw and not raw.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured(
            f"Environment variable {name}={raw!r} is not a Redis URL (redis://host:port/db)."
        )
    return raw


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]
