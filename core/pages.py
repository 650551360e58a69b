"""Small shared pieces of the create / edit / confirm / delete pages, so every such page reads
alike: ``form_page`` for a form, ``confirm_page`` for a question before a POST, ``decision``
for a POST-only button, ``delete_page`` for a confirmed delete."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme

from .forms import add_service_errors


def local_url(request, url: str | None, default: str) -> str:
    """``url`` (a ``next`` from a query or a form, a stored link) when it leads to this site,
    else ``default``: a redirect never leaves the portal."""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return default


def paginate(request, queryset, per_page=25):
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def form_page(request, form, *, save, title, cancel_url, success_message, next_url=None,
              template="core/form.html", context=None):
    """Validate ``form`` on POST, call ``save(form)`` (a service call), then redirect to
    ``next_url`` (by default the saved object's page).

    A service's ValidationError is shown on the form; nothing is written; a POST that does not
    save answers 400. A page with more to show than the form passes its own ``template`` and
    ``context``. ``success_message`` may be a function of what ``save`` returned (a count, say),
    or None when the page it leads to says enough.
    """
    if request.method == "POST" and form.is_valid():
        try:
            obj = save(form)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            message = success_message(obj) if callable(success_message) else success_message
            if message:
                messages.success(request, message)
            return redirect(next_url or obj.get_absolute_url())
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        template,
        {"form": form, "title": title, "cancel_url": cancel_url, **(context or {})},
        status=status,
    )


def confirm_page(request, *, action, title, cancel_url, next_url, done_message,
                 template="core/confirm.html", context=None, obj=None, refused_status=400,
                 refused_url=None):
    """Ask first (GET shows ``template``), then run ``action()`` (a service call) on POST and
    go to ``next_url`` with ``done_message``.

    The service's refusal (a ValidationError) writes nothing: its messages come back on the
    confirmation as ``errors``, with ``refused_status``; or, given ``refused_url``, as error
    messages on that page. The template also gets ``title``, ``cancel_url``, ``object``
    (``obj``) and ``context``.
    """
    errors, status = [], 200
    if request.method == "POST":
        try:
            action()
        except ValidationError as exc:
            if refused_url is not None:
                for message in exc.messages:
                    messages.error(request, message)
                return redirect(refused_url)
            errors, status = exc.messages, refused_status
        else:
            messages.success(request, done_message)
            return redirect(next_url)
    return render(
        request,
        template,
        {"object": obj, "title": title, "cancel_url": cancel_url, **(context or {}),
         "errors": errors},
        status=status,
    )


def decision(request, decide, *, next_url):
    """Run a POSTed decision (a service call): its refusal becomes an error message, nothing
    is written, and either way the user goes back to ``next_url``."""
    try:
        decide()
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect(next_url)


def delete_page(request, obj, *, delete, blockers, title, cancel_url, next_url, done_message):
    """Confirm before deleting; refuse with the reasons when deleting would orphan records
    (409, nothing run). The service's own refusal comes back to this page as a message."""
    if blockers:
        return render(
            request,
            "core/confirm_delete.html",
            {"object": obj, "title": title, "blockers": blockers, "cancel_url": cancel_url},
            status=409 if request.method == "POST" else 200,
        )
    return confirm_page(
        request, action=delete, title=title, cancel_url=cancel_url, next_url=next_url,
        done_message=done_message, template="core/confirm_delete.html", obj=obj,
        refused_url=request.path,
    )
