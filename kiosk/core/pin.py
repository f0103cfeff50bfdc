"""The admin PIN: stored only as a salted PBKDF2 hash in the config file.

New PINs have 6 to 12 digits (a million guesses, each costing the attacker 0.1 s of PBKDF2 and,
on a kiosk, the lockout's growing delays). Hashes written by this version say so in their
algorithm tag (`pin6-pbkdf2_sha256`); hashes of older versions (`pbkdf2_sha256`, PINs of 4
digits were allowed) keep working, and `kiosk config check` asks for a new PIN.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

_ITERATIONS = 200_000
#: A stored hash asking for more work than this is treated as damaged (it would freeze the kiosk).
_MAX_ITERATIONS = 10_000_000


#: Digits of a new PIN; a PIN typed on the pad may still be as short as an old hash allows.
NEW_PIN_DIGITS = (6, 12)
ANY_PIN_DIGITS = (4, 12)
#: Algorithm tags: this version's (checked length) and the older one (length unknown).
TAG = "pin6-pbkdf2_sha256"
LEGACY_TAG = "pbkdf2_sha256"
#: The web manager's password (10 to 200 characters, checked by `config set-web-password`).
PASSWORD_TAG = "pw10-pbkdf2_sha256"


def hash_pin(
    pin: str, *, salt: bytes | None = None, iterations: int = _ITERATIONS, tag: str = TAG
) -> str:
    """Hash a PIN (or a password) as `TAG$ITER$SALT$HASH` (hex)."""
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", pin.encode(), salt, iterations)
    return f"{tag}${iterations}${salt.hex()}${digest.hex()}"


def is_legacy_hash(stored: str) -> bool:
    """A hash of an older version, when PINs of 4 and 5 digits were allowed."""
    return stored.strip().startswith(LEGACY_TAG + "$")


def verify_pin(pin: str, stored: str) -> bool:
    """True when `pin` matches the stored hash (constant-time compare).

    A damaged stored hash (hand-edited config) never matches and never raises.
    """
    try:
        algo, iters, salt_hex, digest_hex = stored.split("$")
        iterations = int(iters)
        if algo not in (TAG, LEGACY_TAG, PASSWORD_TAG) or not 1 <= iterations <= _MAX_ITERATIONS:
            return False
        expected = bytes.fromhex(digest_hex)
        digest = hashlib.pbkdf2_hmac("sha256", pin.encode(), bytes.fromhex(salt_hex), iterations)
    except ValueError:  # wrong number of parts, not a number, not hex (also non-ASCII)
        return False
    return hmac.compare_digest(digest, expected)


def is_pin_hash(stored: str) -> bool:
    """Shaped like a hash `hash_pin` writes (a PIN's tag, iterations, salt, digest)."""
    parts = stored.split("$")
    return (
        len(parts) == 4
        and parts[0] in (TAG, LEGACY_TAG)
        and parts[1].isdigit()
        and all(re.fullmatch(r"[0-9a-f]+", p) for p in parts[2:])
    )


def valid_pin(pin: str, digits: tuple[int, int] = NEW_PIN_DIGITS) -> bool:
    """A new PIN is 6 to 12 digits 0-9 (typed on the kiosk's number pad)."""
    low, high = digits
    return re.fullmatch(rf"[0-9]{{{low},{high}}}", pin) is not None


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


class OfficerNotInFile(KeyError):
    """No `[[officers]]` block of the config text has the id asked for."""


def set_officer_pin_in_toml(text: str, officer_id: str, pin_hash: str | None) -> str:
    """Return the config text with the `pin_hash` of the `[[officers]]` block whose
    `id = "officer_id"` set (None: removed), keeping comments and layout.

    OfficerNotInFile when no block has that id. `pin_hash` needs no TOML escaping.
    """
    header = re.compile(r"(?m)^[ \t]*\[\[[ \t]*officers[ \t]*\]\][ \t]*(?:#.*)?$")
    next_table = re.compile(r"(?m)^[ \t]*\[")
    own_id = re.compile(
        rf"""(?m)^[ \t]*id[ \t]*=[ \t]*(?:"{re.escape(officer_id)}"|'{re.escape(officer_id)}')"""
        r"[ \t]*(?:#.*)?$"
    )
    for found in header.finditer(text):
        start = found.end()
        nxt = next_table.search(text, start)
        end = nxt.start() if nxt else len(text)
        body = text[start:end]
        id_line = own_id.search(body)
        if id_line is None:
            continue
        existing = re.search(
            r"""(?m)^([ \t]*)pin_hash[ \t]*=[ \t]*(?:"[^"\n]*"|'[^'\n]*')?([^\n]*)(\n|$)""", body
        )
        if pin_hash is None:
            if existing is not None:
                body = body[: existing.start()] + body[existing.end() :]
        elif existing is not None:  # keep the indentation and a trailing comment
            line = f'{existing[1]}pin_hash = "{pin_hash}"'
            rest = existing[2] if existing[2].lstrip().startswith("#") else ""
            body = body[: existing.start()] + line + rest + existing[3] + body[existing.end() :]
        else:
            # After the block's id and name, indented as its id line.
            after = id_line
            name = re.search(r"(?m)^[ \t]*name[ \t]*=.*$", body)
            if name is not None and name.end() > after.end():
                after = name
            indent = re.match(r"[ \t]*", id_line[0])
            line = f'\n{indent[0] if indent else ""}pin_hash = "{pin_hash}"'
            body = body[: after.end()] + line + body[after.end() :]
        return text[:start] + body + text[end:]
    raise OfficerNotInFile(officer_id)
