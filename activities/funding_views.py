"""Placeholder: written by its helper."""

from django.http import Http404


def activity_funding_create(request, *args, **kwargs):
    raise Http404


def project_funding_create(request, *args, **kwargs):
    raise Http404


def funding_update(request, *args, **kwargs):
    raise Http404


def funding_delete(request, *args, **kwargs):
    raise Http404


def committee_funding(request, *args, **kwargs):
    raise Http404
