"""Sign-in locks are keyed on the username and the client's real address, read behind the
trusted reverse proxies (``TRUSTED_PROXY_COUNT``): five wrong passwords from one office lock
that name from that office only, and a forged X-Forwarded-For moves no lock."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from core.auth import client_ip


def request(remote="10.0.0.9", forwarded=None):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


@pytest.mark.parametrize("count, forwarded, expected", [
    (0, "1.1.1.1", "10.0.0.9"),  # no proxy trusted: the header is the client's to forge
    (1, "1.1.1.1", "1.1.1.1"),  # nginx appended the client's address
    (1, "6.6.6.6, 1.1.1.1", "1.1.1.1"),  # what the client wrote before it is ignored
    (2, "6.6.6.6, 1.1.1.1, 172.16.0.2", "1.1.1.1"),
    (2, "1.1.1.1", "10.0.0.9"),  # did not come through both proxies
    (1, None, "10.0.0.9"),
])
def test_the_client_is_read_behind_the_trusted_proxies(settings, count, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = count
    assert client_ip(request(forwarded=forwarded)) == expected


def sign_in(client, office, password):
    return client.post(reverse("login"), {"username": "secretary_a", "password": password},
                       REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR=office)


def test_a_lock_holds_one_office_not_another(client, world, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for _ in range(5):
        assert sign_in(client, "61.1.1.1", "wrong").status_code in (200, 429)
    assert sign_in(client, "61.1.1.1", "pw-for-tests-only").status_code == 429
    # Another office (the same proxy in front): the same name still signs in.
    assert sign_in(client, "61.2.2.2", "pw-for-tests-only").status_code == 302
