"""The admin PIN: stored only as a salted PBKDF2 hash in the config file."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

_ITERATIONS = 200_000
#: A stored hash asking for more work than this is treated as damaged (it would freeze the kiosk).
_MAX_ITERATIONS = 10_000_000


def hash_pin(pin: str, *, salt: bytes | None = None, iterations: int = _ITERATIONS) -> str:
    """Hash a PIN as `pbkdf2_sha256$ITER$SALT$HASH` (hex)."""
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", pin.encode(), salt, iterations)
    return f"pbkdf2_sha256${iterations}${salt.hex()}${digest.hex()}"


def verify_pin(pin: str, stored: str) -> bool:
    """True when `pin` matches the stored hash (constant-time compare).

    A damaged stored hash (hand-edited config) never matches and never raises.
    """
    try:
        algo, iters, salt_hex, digest_hex = stored.split("$")
        iterations = int(iters)
        if algo != "pbkdf2_sha256" or not 1 <= iterations <= _MAX_ITERATIONS:
            return False
        expected = bytes.fromhex(digest_hex)
        digest = hashlib.pbkdf2_hmac("sha256", pin.encode(), bytes.fromhex(salt_hex), iterations)
    except ValueError:  # wrong number of parts, not a number, not hex (also non-ASCII)
        return False
    return hmac.compare_digest(digest, expected)


def valid_pin(pin: str) -> bool:
    """PINs are 4 to 12 digits 0-9 (typed on the kiosk's number pad)."""
    return re.fullmatch(r"[0-9]{4,12}", pin) is not None


def set_pin_in_toml(text: str, pin_hash: str) -> str:
    """Return the config text with `kiosk.admin_pin_hash` set, keeping comments and layout."""
    return set_string_in_toml(text, "kiosk", "admin_pin_hash", pin_hash)


def set_string_in_toml(text: str, section: str, key: str, value: str) -> str:
    """Return the config text with `[section] key = "value"` set, keeping comments and layout.

    `value` must need no TOML escaping (hashes are hex and `$`).
    """
    line = f'{key} = "{value}"'
    header = re.compile(rf"(?m)^[ \t]*\[[ \t]*{re.escape(section)}[ \t]*\][ \t]*(?:#.*)?$")
    next_table = re.compile(r"(?m)^[ \t]*\[")
    quoted = re.compile(
        rf"""(?m)^([ \t]*){re.escape(key)}[ \t]*=[ \t]*(?:"[^"\n]*"|'[^'\n]*')(.*)$"""
    )
    any_value = re.compile(rf"(?m)^([ \t]*){re.escape(key)}[ \t]*=.*$")
    found = header.search(text)
    if found is None:
        return text.rstrip("\n") + f"\n\n[{section}]\n{line}\n"
    start = found.end()
    nxt = next_table.search(text, start)
    end = nxt.start() if nxt else len(text)
    body = text[start:end]
    existing = quoted.search(body)
    if existing:  # keep the indentation and a trailing comment
        body = body[: existing.start()] + existing[1] + line + existing[2] + body[existing.end() :]
    elif (other := any_value.search(body)) is not None:
        body = body[: other.start()] + other[1] + line + body[other.end() :]
    else:
        body = "\n" + line + body
    return text[:start] + body + text[end:]
