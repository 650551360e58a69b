"""Development: the embedded default when nothing is set (SQLite, local memory, eager tasks)."""

import os

from .base import *  # noqa: F403
from .envtools import env_bool

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = os.environ.get("SECRET_KEY") or "django-insecure-local-only-not-for-production"
