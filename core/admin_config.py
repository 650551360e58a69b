"""django.contrib.admin with ``admin.site`` being ``core.admin_site.PortalAdminSite`` (listed in
INSTALLED_APPS in its place; a module of its own, so that ``core``'s own AppConfig stays the
only one in core/apps.py)."""

from django.contrib.admin.apps import AdminConfig


class PortalAdminConfig(AdminConfig):
    default_site = "core.admin_site.PortalAdminSite"
