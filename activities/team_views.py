"""Placeholder: written by its helper."""

from django.http import Http404


def team_list(request, *args, **kwargs):
    raise Http404


def team_create(request, *args, **kwargs):
    raise Http404


def team_detail(request, *args, **kwargs):
    raise Http404


def team_update(request, *args, **kwargs):
    raise Http404
