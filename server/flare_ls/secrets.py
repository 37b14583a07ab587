"""Secrets recognised by the shape of a value, whatever key holds it (rule FL307).

One detector per well-known pattern, each taken from the secret scanners that maintain them (the
gitleaks default config, ``config/gitleaks.toml``, and Yelp's detect-secrets plugins), narrowed where a
manifest needs it. Every pattern starts at a literal or at a boundary its own characters cannot cross,
and every open-ended run is followed by what the run cannot contain, so a search is linear in the
length of the value (a 1 MB value is one pass, never a backtracking storm).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .views import is_placeholder


@dataclass(frozen=True)
class Detector:
    name: str  #: the scanners' rule name, for the docs and the tests
    what: str  #: what the message calls it: "holds {what}"
    pattern: re.Pattern[str]  #: group ``secret`` is the secret itself (the whole match without it)


@dataclass(frozen=True)
class Secret:
    detector: Detector
    start: int  #: offsets of the secret in the value
    end: int
    text: str


DETECTORS = tuple(
    Detector(name, what, re.compile(pattern))
    for name, what, pattern in (
        # gitleaks `aws-access-token`: an AWS access key id, `AKIA` (long-term) or `ASIA` (temporary) and
        # their rarer prefixes, then 16 upper-case letters and digits.
        (
            "aws-access-token",
            "an AWS access key id",
            r"(?<![A-Z0-9])(?P<secret>(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16})(?![A-Z0-9])",
        ),
        # detect-secrets `AzureStorageKeyDetector` (`AccountKey=`), widened to the `SharedAccessKey=` of
        # Event Hubs and Service Bus connection strings: the base64 key of an Azure connection string.
        (
            "azure-connection-string",
            "an Azure connection-string key",
            r"(?:AccountKey|SharedAccessKey)=(?P<secret>[A-Za-z0-9+/]{20,}={0,2})",
        ),
        # An Azure storage account key on its own (`fs.azure.account.key.<account>...` in sparkConf): 64
        # bytes in base64, 86 characters and `==`, the value detect-secrets reads after `AccountKey=`.
        (
            "azure-storage-account-key",
            "an Azure storage account key",
            r"(?<![A-Za-z0-9+/=])(?P<secret>[A-Za-z0-9+/]{86}==)(?![A-Za-z0-9+/=])",
        ),
        # detect-secrets `BasicAuthDetector`: a URL with a password in it (`scheme://user:password@host`),
        # which covers `jdbc:postgresql://`, `mongodb+srv://`, `https://` and every other scheme.
        ("url-credentials", "a password in a URL", r"://[^\s:/@?#{}]{1,256}:(?P<secret>[^\s/@?#]{1,256})@"),
        # A JDBC URL's password property: `;password=` (SQL Server, Snowflake, Db2), `?password=` and
        # `&password=` (MySQL, PostgreSQL, Oracle thin), `pwd=` (Redshift, ODBC-style URLs); the keyword
        # detectors of gitleaks and detect-secrets, anchored to a URL's separators.
        ("jdbc-password", "a password in a JDBC URL", r"(?i)[;?&](?:password|pwd)=(?P<secret>[^;&\s]{1,256})"),
        # gitleaks `jwt`: a JSON Web Token, three base64url parts of which the first two are JSON (`eyJ`),
        # whether bare or after `Bearer ` in an `Authorization` header.
        (
            "jwt",
            "a JSON Web Token",
            r"(?<![A-Za-z0-9_-])(?P<secret>eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,})",
        ),
        # gitleaks `private-key`: a PEM private key block (RSA, EC, DSA, OpenSSH, PKCS#8, encrypted or
        # not), alone or inside a service-account JSON document.
        ("private-key", "a private key", r"(?P<secret>-----BEGIN[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----)"),
        # A Google Cloud service-account key file (`"type": "service_account"`), the JSON that holds
        # the private key; gitleaks finds the same files by their `private_key` (see above).
        (
            "gcp-service-account",
            "a Google service-account key",
            r"""(?P<secret>["']type["'][ \t]*:[ \t]*["']service_account["'])""",
        ),
        # gitleaks `slack-webhook-url`: an incoming-webhook URL, which anyone can post through.
        (
            "slack-webhook-url",
            "a Slack webhook URL",
            r"(?P<secret>hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9+/]{43,56})",
        ),
    )
)


def _reference(text: str) -> bool:
    """A secret that is only a reference to one: `${VAR}`, `{{ name }}`, `$|key|` or `<...>`."""
    return is_placeholder(text) or "${" in text or "{{" in text or "$|" in text


def _unnamed(pattern: str) -> str:
    """A detector's pattern as one alternative of :data:`_ANY`: its group unnamed (the detectors share
    the name) and its flags scoped to it."""
    pattern = pattern.replace("(?P<secret>", "(?:")
    if pattern.startswith("(?i)"):
        pattern = f"(?i:{pattern[4:]})"
    return f"(?:{pattern})"


#: Whether any detector matches anywhere: one pass over a value instead of one per detector, for the
#: values (nearly all) that hold no secret.
_ANY = re.compile("|".join(_unnamed(detector.pattern.pattern) for detector in DETECTORS))


def find_secret(value: str) -> Secret | None:
    """The first secret in ``value`` by shape, skipping references; None when it holds none."""
    if _ANY.search(value) is None:
        return None
    for detector in DETECTORS:
        for match in detector.pattern.finditer(value):
            text = match.group("secret")
            if not _reference(text) and text.lower() not in ("password", "changeme"):
                return Secret(detector, match.start("secret"), match.end("secret"), text)
    return None


def mask(secret: str) -> str:
    """Enough of a secret to recognise it, never enough to use it: its first characters (up to four,
    a quarter of it at most) and ``***``."""
    return secret[: min(4, len(secret) // 4)] + "***"
