"""The bell's pages: a user's own notifications, opening one, marking all read."""

from django.contrib.auth.decorators import login_required
from django.db.models import F
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from .models import Notification
from .pages import local_url, paginate
from .scope import get_for_user


@login_required
@require_GET
def notification_list(request):
    notifications = Notification.objects.for_user(request.user).order_by(
        F("read_at").asc(nulls_first=True), "-created_at", "-pk"
    )
    return render(
        request,
        "core/notification_list.html",
        {"page": paginate(request, notifications, per_page=20)},
    )


@login_required
@require_GET
def notification_open(request, pk):
    """Mark the notification read and follow its link, when the link is a path of this site."""
    notification = get_for_user(request.user, Notification, pk=pk)
    if notification.read_at is None:
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=timezone.now()
        )
    url = notification.url if notification.url.startswith("/") else ""
    return redirect(local_url(request, url, reverse("core:notification-list")))


@login_required
@require_POST
def notification_read_all(request):
    Notification.objects.for_user(request.user).filter(read_at__isnull=True).update(
        read_at=timezone.now()
    )
    return redirect("core:notification-list")
