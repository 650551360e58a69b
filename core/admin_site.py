"""The project's Django admin: django-otp's ``OTPAdminSite`` (staff pass only with a session
verified by a second factor), under the usual name "admin", signing in through the portal's
own pages rather than the admin's login form."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django_otp.admin import OTPAdminSite

from .pages import local_url


class PortalAdminSite(OTPAdminSite):
    def __init__(self, name="admin"):
        super().__init__(name)

    def login(self, request, extra_context=None):
        """Where the admin sends whoever it does not let in: the portal's sign-in (with its
        code step); a staff user signed in without a second factor goes to turn it on."""
        next_url = local_url(request, request.GET.get("next"), request.path)
        if not request.user.is_authenticated:
            return redirect_to_login(next_url)
        if self.has_permission(request):
            return redirect(next_url)
        if request.user.is_active and request.user.is_staff:
            messages.info(request, _("The admin needs two-step sign-in: turn it on here "
                                     "first."))
            return redirect("core:two-factor")
        return redirect_to_login(next_url)
