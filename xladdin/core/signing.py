"""The signature of a form: HMAC-SHA256 with the workspace secret.

The secret stays beside the tracker (``.theodoi-secret``), never inside a form, so a returned
file whose signature verifies was issued by this workspace for that agency, period and list of
task keys, and its metadata was not edited.

Encoding: the fields are NFC-normalised and serialised as compact JSON with sorted object keys
(``{"agency":…,"issued_at":…,"keys":[…],"period":…,"version":…}``, UTF-8, no spaces). JSON
quotes and escapes every string and keeps the list of keys as a list, so no two different
field sets share a byte string: "A;B" as one key is not the keys "A" and "B", and a different
key order is a different message.

``locked`` (since forms carry a snapshot of their locked cells, see
:mod:`xladdin.core.snapshot`) is the digest of that snapshot. It joins the payload only when
given, so a form issued before snapshots existed still verifies with its original fields,
and a form issued with one cannot drop it: removing the snapshot changes the payload.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import unicodedata
from collections.abc import Sequence

__all__ = ["canonical", "sign", "verify"]


def _text(value: str) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected str, got {type(value).__name__}")
    return unicodedata.normalize("NFC", value)


def canonical(
    *,
    agency: str,
    period: str,
    keys: Sequence[str],
    version: str,
    issued_at: str,
    locked: str = "",
) -> bytes:
    """The exact bytes that are signed."""
    # A bare string is a Sequence[str] of its characters; signing "II.1" as ["I", "I", ".", "1"]
    # would silently verify against the wrong key list.
    if isinstance(keys, str | bytes):
        raise TypeError("keys must be a sequence of task keys, not one string")
    payload: dict[str, object] = {
        "agency": _text(agency),
        "issued_at": _text(issued_at),
        "keys": [_text(k) for k in keys],
        "period": _text(period),
        "version": _text(version),
    }
    if locked:
        payload["locked"] = _text(locked)
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode(
        "utf-8"
    )


def sign(
    secret: bytes,
    *,
    agency: str,
    period: str,
    keys: Sequence[str],
    version: str,
    issued_at: str,
    locked: str = "",
) -> str:
    """Hex HMAC-SHA256 (64 lower-case hex digits) of the form's identifying fields."""
    message = canonical(
        agency=agency,
        period=period,
        keys=keys,
        version=version,
        issued_at=issued_at,
        locked=locked,
    )
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


def verify(
    secret: bytes,
    signature: object,
    *,
    agency: str,
    period: str,
    keys: Sequence[str],
    version: str,
    issued_at: str,
    locked: str = "",
) -> bool:
    """True when ``signature`` is the signature of these fields under ``secret``.

    Anything read from a returned file may arrive here (a number, None, text with spaces or in
    upper case); only a well-formed matching signature verifies."""
    if not isinstance(signature, str):
        return False
    given = signature.strip().lower()
    try:
        given_bytes = given.encode("ascii")
    except UnicodeEncodeError:
        return False
    expected = sign(
        secret,
        agency=agency,
        period=period,
        keys=keys,
        version=version,
        issued_at=issued_at,
        locked=locked,
    )
    return hmac.compare_digest(expected.encode("ascii"), given_bytes)
