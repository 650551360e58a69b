"""Placeholder: written by its helper."""

from django.http import Http404


def activity_list(request, *args, **kwargs):
    raise Http404



def activity_create(request, *args, **kwargs):
    raise Http404


def activity_calendar(request, *args, **kwargs):
    raise Http404


def activity_detail(request, *args, **kwargs):
    raise Http404


def activity_update(request, *args, **kwargs):
    raise Http404


def activity_cancel(request, *args, **kwargs):
    raise Http404


def activity_outcome(request, *args, **kwargs):
    raise Http404


def photo_file(request, *args, **kwargs):
    raise Http404


def photo_delete(request, *args, **kwargs):
    raise Http404
