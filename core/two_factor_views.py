"""The account's two-step sign-in pages (两步验证): its state, turning it on with an
authenticator app, the backup codes (shown once), turning it off, and the code step after the
password. Every page is about the signed-in user's own account: no page takes an id."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django_otp import user_has_device

from . import two_factor as tf
from .forms import BackupCodeForm, TotpCodeForm, TwoFactorDisableForm, add_service_errors
from .pages import confirm_page, form_page, local_url
from .qr import qr_svg


def _no_store(response):
    """Pages with a secret (the key, backup codes) are never cached."""
    response["Cache-Control"] = "no-store"
    return response


def _show_codes_once(request, codes):
    request.session[tf.BACKUP_CODES_SHOWN] = codes


def _unless_on_and_verified(request):
    """A page that changes two-step sign-in once it is on: to its page when it is off, to the
    code step when this session has not passed it (a session signed in before it was on)."""
    if tf.confirmed_totp(request.user) is None:
        return redirect("core:two-factor")
    if not request.user.is_verified():
        request.session[tf.TWO_FACTOR_STATE] = tf.VERIFY
        return redirect(f"{reverse('core:two-factor-verify')}?{urlencode({'next': request.path})}")
    return None


@login_required
@require_GET
def two_factor(request):
    device = tf.confirmed_totp(request.user)
    return render(request, "core/two_factor.html", {
        "device": device,
        "backup_codes_left": tf.backup_codes_left(request.user) if device else 0,
        "required": tf.must_enrol(request.user),
    })


@login_required
def two_factor_setup(request):
    if tf.confirmed_totp(request.user) is not None:
        messages.info(request, _("Two-step sign-in is already on."))
        return redirect("core:two-factor")
    device = tf.pending_totp(request.user)
    form = TotpCodeForm(request.POST if request.method == "POST" else None)

    def save(form):
        _show_codes_once(request, tf.two_factor_enable(request, code=form.cleaned_data["code"]))

    return _no_store(form_page(
        request, form, save=save, title=_("Turn on two-step sign-in"),
        cancel_url=reverse("core:two-factor"), next_url=reverse("core:two-factor-codes"),
        success_message=_("Two-step sign-in is on."), template="core/two_factor_setup.html",
        context={"qr_svg": qr_svg(device.config_url, scale=5),
                 "secret": tf.secret_for_typing(device)},
    ))


@login_required
@require_GET
def two_factor_codes(request):
    codes = request.session.pop(tf.BACKUP_CODES_SHOWN, None)
    if not codes:
        messages.info(request, _("Backup codes are shown only once. If you lost them, make "
                                 "new ones."))
        return redirect("core:two-factor")
    return _no_store(render(request, "core/two_factor_codes.html", {"codes": codes}))


@login_required
def two_factor_backup_codes(request):
    if (refusal := _unless_on_and_verified(request)) is not None:
        return refusal
    return confirm_page(
        request,
        action=lambda: _show_codes_once(request, tf.backup_codes_renew(request.user)),
        title=_("Make new backup codes"), cancel_url=reverse("core:two-factor"),
        next_url=reverse("core:two-factor-codes"), done_message=_("New backup codes made."),
        context={"question": _("The backup codes you have now will stop working.")},
    )


@login_required
def two_factor_disable(request):
    if (refusal := _unless_on_and_verified(request)) is not None:
        return refusal
    form = TwoFactorDisableForm(request.POST if request.method == "POST" else None)

    def save(form):
        tf.two_factor_disable(request, code=form.cleaned_data["code"],
                              password=form.cleaned_data["password"])

    return form_page(
        request, form, save=save, title=_("Turn off two-step sign-in"),
        cancel_url=reverse("core:two-factor"), next_url=reverse("core:two-factor"),
        success_message=_("Two-step sign-in is off."), template="core/two_factor_disable.html",
        context={"required": tf.must_enrol(request.user)},
    )


def _next_url(request):
    return local_url(request, request.POST.get("next") or request.GET.get("next"),
                     resolve_url(settings.LOGIN_REDIRECT_URL))


@login_required
def two_factor_verify(request):
    """The second step of signing in: a code from the app, or a backup code."""
    next_url = _next_url(request)
    if request.user.is_verified():
        return redirect(next_url)
    if tf.session_state(request) != tf.VERIFY or not user_has_device(request.user):
        # nothing to verify (or the devices were removed meanwhile, e.g. by the admin)
        request.session[tf.TWO_FACTOR_STATE] = tf.state_for(request.user)
        return redirect(next_url)
    data = request.POST if request.method == "POST" else None
    backup = (data or request.GET).get("backup") == "1"
    form = (BackupCodeForm if backup else TotpCodeForm)(data)
    if request.method == "POST" and form.is_valid():
        try:
            tf.two_factor_verify(request, code=form.cleaned_data["code"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect(next_url)
    status = 400 if request.method == "POST" else 200
    return _no_store(render(request, "core/two_factor_verify.html", {
        "form": form, "backup": backup, "next": next_url,
    }, status=status))
