"""Placeholder: written by its helper."""

from django.http import Http404


def signup(request, *args, **kwargs):
    raise Http404


def signup_cancel(request, *args, **kwargs):
    raise Http404


def signup_list(request, *args, **kwargs):
    raise Http404


def qr_page(request, *args, **kwargs):
    raise Http404


def qr_checkin(request, *args, **kwargs):
    raise Http404


def attendance_roster(request, *args, **kwargs):
    raise Http404


def attendance_update(request, *args, **kwargs):
    raise Http404


def my_activities(request, *args, **kwargs):
    raise Http404
