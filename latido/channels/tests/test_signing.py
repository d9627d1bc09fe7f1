"""The shared webhook signature scheme (latido.channels.signing)."""

import hashlib
import hmac

import pytest

from latido.channels.signing import BadSignature, secret_from_env, sign, verify

SECRET = "s3cret"
BODY = b'{"event": "ringing"}'


def test_sign_is_hmac_sha256_over_timestamp_dot_body():
    expected = hmac.new(SECRET.encode(), b"1700000000." + BODY, hashlib.sha256).hexdigest()
    assert sign(SECRET, "1700000000", BODY) == "sha256=" + expected


def test_verify_accepts_a_fresh_matching_signature():
    verify(SECRET, "1700000000", sign(SECRET, "1700000000", BODY), BODY, now=1700000100)


@pytest.mark.parametrize(("secret", "stamp", "signature", "body", "now"), [
    (SECRET, None, "sha256=x", BODY, 1700000000),                      # no timestamp
    (SECRET, "1700000000", None, BODY, 1700000000),                    # no signature
    (SECRET, "17e8", "sha256=x", BODY, 1700000000),                    # not digits
    (SECRET, "1700000000", "sign", BODY, 1700000000 + 301),           # too old
    (SECRET, "1700000000", "sign", BODY, 1700000000 - 301),           # from the future
    (SECRET, "1700000000", "sign", BODY + b" ", 1700000000),          # body changed
    ("other", "1700000000", "sign", BODY, 1700000000),                 # wrong secret
    ("", "1700000000", "sign", BODY, 1700000000),                      # no secret set up
])
def test_verify_rejects(secret, stamp, signature, body, now):
    if signature == "sign":
        signature = sign(SECRET, "1700000000", BODY)
    with pytest.raises(BadSignature) as info:
        verify(secret, stamp, signature, body, now=now)
    assert info.value.http_status == 401
    assert info.value.message


def test_secret_from_env(monkeypatch):
    monkeypatch.setenv("LATIDO_TEST_HOOK_SECRET", "abc")
    assert secret_from_env("LATIDO_TEST_HOOK_SECRET") == "abc"
    assert secret_from_env(" LATIDO_TEST_HOOK_SECRET ") == "abc"
    assert secret_from_env("") == ""
    assert secret_from_env(None) == ""
    assert secret_from_env("LATIDO_TEST_HOOK_UNSET_VARIABLE") == ""
