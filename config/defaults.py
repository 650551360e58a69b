"""The settings a server process loads when DJANGO_SETTINGS_MODULE is not set: production, for
the web (``config.wsgi``, ``config.asgi``) and the Celery worker and beat (``config.celery``)
alike, so they never disagree.

Importing anything under ``config`` runs ``config/__init__.py``, which imports
``config.celery`` and so sets this default: a script that wants other settings (``manage.py``
wants ``config.settings.local``) sets DJANGO_SETTINGS_MODULE before importing from ``config``.
Kept in a module of its own, importing nothing, so that ``config.celery`` can read it while the
``config`` package is still being imported.
"""

DEFAULT_SETTINGS_MODULE = "config.settings.production"
