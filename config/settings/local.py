"""Development: the embedded default when nothing is set (SQLite, local memory, eager tasks)."""

import os

from .base import *  # noqa: F403
from .envtools import env_bool

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = os.environ.get("SECRET_KEY") or "django-insecure-local-only-not-for-production"

# ``make run`` serves the demo with DEBUG off (the pages users will get, never Django's debug
# page); static files then come from WhiteNoise, straight from the app and project folders, with
# no collectstatic. ``DEBUG=true make run`` (or ``manage.py runserver``) gives the debug page.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
