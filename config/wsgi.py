import os

from django.core.wsgi import get_wsgi_application

from config.defaults import DEFAULT_SETTINGS_MODULE

os.environ.setdefault("DJANGO_SETTINGS_MODULE", DEFAULT_SETTINGS_MODULE)

application = get_wsgi_application()

# Load what the first request would, then keep start-up objects out of the collector's full
# collections (core/startup.py).
from core.startup import warm_and_freeze  # noqa: E402

warm_and_freeze()
