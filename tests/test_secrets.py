"""The detectors of secrets by value shape (FL307), each with samples it must find and near misses it
must leave alone. The secrets are the vendors' documented examples or obviously fake."""

from __future__ import annotations

import pytest

from flare_ls.secrets import DETECTORS, find_secret, mask

FAKE_ACCOUNT_KEY = ("EXAMPLEfakeKEY0" * 6)[:86] + "=="
JWT = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"

SLACK = "hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX"  # Slack's docs

#: (detector, value, the secret it finds)
FOUND = [
    ("aws-access-token", "AKIAIOSFODNN7EXAMPLE", "AKIAIOSFODNN7EXAMPLE"),
    ("aws-access-token", "key=ASIAIOSFODNN7EXAMPLE;", "ASIAIOSFODNN7EXAMPLE"),
    ("azure-connection-string", f"AccountName=x;AccountKey={FAKE_ACCOUNT_KEY};", FAKE_ACCOUNT_KEY),
    ("azure-connection-string", "Endpoint=sb://x/;SharedAccessKey=EXAMPLEfakeKEY0EXAMPLEfakeKEY0EXAMPLEfake=;", None),
    ("azure-storage-account-key", FAKE_ACCOUNT_KEY, FAKE_ACCOUNT_KEY),
    ("url-credentials", "jdbc:postgresql://reader:Sup3r-s3cret@db:5432/shop", "Sup3r-s3cret"),
    ("url-credentials", "mongodb+srv://app:hunter2@cluster0.example.net/db", "hunter2"),
    ("jdbc-password", "jdbc:sqlserver://db:1433;user=flare;password=Ex4mple-Pass;encrypt=true", "Ex4mple-Pass"),
    ("jdbc-password", "jdbc:mysql://db/shop?user=flare&PWD=Ex4mple", "Ex4mple"),
    ("jwt", f"Bearer {JWT}", JWT),
    ("private-key", "-----BEGIN OPENSSH PRIVATE KEY-----\nb3Blbn...\n", "-----BEGIN OPENSSH PRIVATE KEY-----"),
    ("private-key", '{"private_key": "-----BEGIN PRIVATE KEY-----\\nMIIE"}', "-----BEGIN PRIVATE KEY-----"),
    ("gcp-service-account", '{"type": "service_account", "project_id": "x"}', '"type": "service_account"'),
    ("slack-webhook-url", "https://" + SLACK, SLACK),
]

#: Values no detector may report: references, addresses, look-alikes.
CLEAN = [
    "AKIAIOSFODNN7EXAMPL",  # one character short
    "XAKIAIOSFODNN7EXAMPLE1",  # inside a longer word
    "AccountKey=${AZURE_KEY}",
    "jdbc:postgresql://${PG_USER}:${PG_PASSWORD}@db:5432/shop",
    "jdbc:postgresql://{{ user }}:{{ password }}@db:5432/shop",
    "jdbc:postgresql://db.example.com:5432/shop?user=flare&password=${PG_PASSWORD}",
    "jdbc:postgresql://db.example.com:5432/shop",
    "dataos://icebase:retail/city?acl=rw",
    "https://user@example.com/path",  # a user and no password
    "http://example.com:8080/a@b",  # a port, not a password
    "eyJhbGciOiJIUzI1NiJ9",  # one part of a token
    "-----BEGIN CERTIFICATE-----",
    "-----BEGIN PUBLIC KEY-----",
    '{"type": "authorized_user"}',
    "https://hooks.slack.com/services/",
    "db-creds",
]


@pytest.mark.parametrize(("name", "value", "secret"), FOUND)
def test_detector_finds(name: str, value: str, secret: str | None) -> None:
    found = find_secret(value)
    assert found is not None and found.detector.name == name
    assert found.text == value[found.start : found.end]
    if secret is not None:
        assert found.text == secret


@pytest.mark.parametrize("value", CLEAN)
def test_no_detector_finds(value: str) -> None:
    assert find_secret(value) is None


def test_every_detector_has_a_sample() -> None:
    assert {d.name for d in DETECTORS} == {name for name, _, _ in FOUND}


@pytest.mark.parametrize(
    ("secret", "masked"), [("AKIAIOSFODNN7EXAMPLE", "AKIA***"), ("Sup3r-s3cret", "Sup***"), ("abc", "***")]
)
def test_mask_never_shows_the_secret(secret: str, masked: str) -> None:
    assert mask(secret) == masked


@pytest.mark.parametrize(
    "value",
    [
        "A" * 1_000_000,
        "eyJ-" * 250_000,
        "://" + "a" * 1_000_000,
        "://a:" + "b" * 1_000_000,
        "AccountKey=" + "A" * 1_000_000 + "!",
        ";password=" * 100_000,
        "-----BEGIN" + " " * 1_000_000,
        "hooks.slack.com/services/" * 40_000,
    ],
    ids=["letters", "jwt-starts", "scheme", "userinfo", "account-key", "jdbc", "pem", "slack"],
)
def test_a_megabyte_value_is_one_pass(value: str) -> None:
    """Every pattern is linear: a backtracking one would take minutes on these."""
    find_secret(value)
