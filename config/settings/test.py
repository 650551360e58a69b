"""Tests: the local defaults, with fast password hashing. DATABASE_URL/REDIS_URL still apply."""

import os
import tempfile
from pathlib import Path

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = os.environ.get("SECRET_KEY") or "django-insecure-test-only"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
LOGGING = {"version": 1, "disable_existing_loggers": False}
CELERY_TASK_ALWAYS_EAGER = True  # a test that needs a real worker says so
# Uploads (activity photos) go to a throwaway directory, never into the checkout's media/.
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="ddw-test-media-"))
# Pages count from the records on every view (a test that keeps a snapshot says so).
DASHBOARD_SNAPSHOT_SECONDS = 0
