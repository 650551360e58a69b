"""Small shared pieces of the create / edit / delete pages, so every such page reads alike."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render

from .forms import add_service_errors


def paginate(request, queryset, per_page=25):
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def form_page(request, form, *, save, title, cancel_url, success_message, next_url=None,
              template="core/form.html", context=None):
    """Validate ``form`` on POST, call ``save(form)`` (a service call), then redirect.

    A service's ValidationError is shown on the form; nothing is written. A page with more to
    show than the form passes its own ``template`` and ``context``.
    """
    if request.method == "POST" and form.is_valid():
        try:
            obj = save(form)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, success_message)
            return redirect(next_url or obj.get_absolute_url())
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        template,
        {"form": form, "title": title, "cancel_url": cancel_url, **(context or {})},
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
    """Confirm before deleting; refuse with the reasons when deleting would orphan records."""
    if request.method == "POST" and not blockers:
        try:
            delete()
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return redirect(request.path)
        messages.success(request, done_message)
        return redirect(next_url)
    return render(
        request,
        "core/confirm_delete.html",
        {"object": obj, "title": title, "blockers": blockers, "cancel_url": cancel_url},
        status=409 if (request.method == "POST" and blockers) else 200,
    )
