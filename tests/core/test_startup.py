"""A web process loads what the first request would and freezes its start-up objects
(core/startup.py), through config.wsgi: checked in a fresh interpreter, as gunicorn loads it."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_wsgi_module_freezes_the_start_up_objects():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    code = ("import gc, config.wsgi; from django.urls import get_resolver; "
            "print(gc.get_freeze_count(), len(get_resolver().reverse_dict) > 0, "
            "callable(config.wsgi.application))")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    frozen, urls_loaded, app = done.stdout.split()
    assert int(frozen) > 50_000  # Django, the apps, the URL conf, the catalogues
    assert urls_loaded == "True" and app == "True"
