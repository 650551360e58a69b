"""Start-up: production settings pass the deploy checks; bad values stop start-up clearly; the
web and the worker start with the same settings."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from config.defaults import DEFAULT_SETTINGS_MODULE

ROOT = Path(__file__).resolve().parents[2]


def manage(*args, **env):
    # Only what the test sets: not the suite's own flags (the browser tests set
    # DJANGO_ALLOW_ASYNC_UNSAFE, which check --deploy would otherwise see).
    dropped = ("DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE")
    environment = {k: v for k, v in os.environ.items() if k not in dropped}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=environment,
        capture_output=True, text=True, timeout=120,
    )


def test_production_settings_pass_check_deploy_with_no_findings():
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING",
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="dj.example.cn",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_real_secret_key():
    result = manage(
        "check", DJANGO_SETTINGS_MODULE="config.settings.production", SECRET_KEY="short"
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("DEBUG", "maybe", "DEBUG='maybe' is not a boolean"),
        ("DATABASE_URL", "mysql://root@localhost/x", "only PostgreSQL and SQLite"),
        ("REDIS_URL", "http://127.0.0.1:6379", "is not a Redis URL"),
        ("CONN_MAX_AGE", "forever", None),
    ],
)
def test_a_bad_value_stops_start_up_with_a_message_naming_it(variable, value, message):
    env = {variable: value, "DJANGO_SETTINGS_MODULE": "config.settings.local"}
    if variable == "CONN_MAX_AGE":
        env["DATABASE_URL"] = "postgres://root@127.0.0.1:5432/unused"
        message = "CONN_MAX_AGE='forever' is not a whole number"
    result = manage("check", **env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


def test_with_no_environment_it_runs_on_sqlite_local_memory_and_eager_tasks():
    code = (
        "from django.conf import settings as s;"
        "print(s.DATABASES['default']['ENGINE'], s.CACHES['default']['BACKEND'],"
        " s.CELERY_TASK_ALWAYS_EAGER, s.DEBUG, s.LANGUAGE_CODE, s.TIME_ZONE)"
    )
    environment = {
        k: v for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "REDIS_URL", "DEBUG", "DJANGO_SETTINGS_MODULE")
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code], cwd=ROOT, env=environment,
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].split() == [
        "django.db.backends.sqlite3", "django.core.cache.backends.locmem.LocMemCache",
        "True", "True", "zh-hans", "Asia/Shanghai",
    ]


@pytest.mark.parametrize("entry_point", ["config.wsgi", "config.asgi", "config.celery"])
def test_the_web_and_the_worker_default_to_the_same_settings(entry_point):
    # In a fresh interpreter with DJANGO_SETTINGS_MODULE unset: importing any of them imports
    # config/__init__.py (and so config.celery) first, which must not pick other settings.
    code = (
        f"import {entry_point}; from django.conf import settings;"
        "print(settings.SETTINGS_MODULE)"
    )
    environment = {
        k: v for k, v in os.environ.items()
        if k not in ("DJANGO_SETTINGS_MODULE", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    environment["SECRET_KEY"] = secrets.token_urlsafe(64)
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment,
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == DEFAULT_SETTINGS_MODULE
    assert DEFAULT_SETTINGS_MODULE == "config.settings.production"


def test_production_compiles_each_template_once_per_process():
    # Django's cached loader (issue 16): a page's templates are read and compiled at their
    # first render in a process, then kept; without it each render would parse them again.
    code = (
        "from django.template import engines;"
        "loaders = engines['django'].engine.template_loaders;"
        "print(*(type(x).__module__ + '.' + type(x).__name__ for x in loaders));"
        "print(engines['django'].get_template('base.html').template"
        " is engines['django'].get_template('base.html').template)"
    )
    result = manage(
        "shell", "-c", code,
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY=secrets.token_urlsafe(64), ALLOWED_HOSTS="dj.example.cn",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    loaders, same = result.stdout.strip().splitlines()[-2:]
    assert loaders == "django.template.loaders.cached.Loader"
    assert same == "True"
