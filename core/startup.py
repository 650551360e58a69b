"""What a web process does once, after Django is set up and before it serves: load what every
request would otherwise load lazily on the first one (the URL conf, both languages' catalogues,
the template engine), then move everything alive at that point out of the garbage collector's
sight (``gc.freeze``, CPython 3.7+). Those start-up objects (some 300,000) live as long as the
process; left in the collector's oldest generation, each full collection scanned them all,
100–170 ms every twenty or so district pages (bench/dashboard_vs_roster.py). Called by
``config.wsgi`` (gunicorn loads it in each worker, or once before forking with
``--preload``, which also keeps the frozen pages shared between workers)."""

import gc

from django.conf import settings


def warm_and_freeze() -> None:
    from django.template import engines
    from django.urls import get_resolver
    from django.utils.translation import trans_real

    get_resolver().url_patterns  # noqa: B018 - imports every app's urls and views
    for code, _name in settings.LANGUAGES:
        trans_real.translation(code)
    for engine in engines.all():
        engine.engine.template_loaders  # noqa: B018 - builds the (cached) loaders
    gc.collect()
    gc.freeze()
