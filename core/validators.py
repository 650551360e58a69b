"""Validators every app's text fields share."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Control characters other than tab, line feed and carriage return: invisible, copied in from
# another program, and refused by spreadsheets (a NUL by PostgreSQL too).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

PORTAL_APPS = {"core", "committees", "units", "branches", "members", "activities", "meetings",
               "notices", "overview"}


def refuse_control_characters(value) -> None:
    if isinstance(value, str) and _CONTROL.search(value):
        raise ValidationError(
            _("Remove the invisible control characters (often copied in from another "
              "program)."),
            code="control_characters",
        )


def guard_text_fields(models) -> int:
    """Give every free-text field (``CharField``, ``TextField``, no choices) of the portal's
    models the control-character check, so every form and service that validates a model
    refuses them with a message on the field. The check joins the field's ``validators``
    (not its declared ones), so migrations do not change. How many fields were guarded."""
    from django.db.models import CharField, TextField

    guarded = 0
    for model in models:
        if model._meta.app_label not in PORTAL_APPS:
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, CharField | TextField) and not field.choices:
                if refuse_control_characters not in field.validators:
                    field.validators.append(refuse_control_characters)
                    guarded += 1
    return guarded
