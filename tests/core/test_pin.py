"""The admin PIN: salted hash in the config file, verification, and editing the TOML text."""

from __future__ import annotations

import tomllib

import pytest

from kiosk.core.config import default_config_text, parse_config
from kiosk.core.pin import (
    ANY_PIN_DIGITS,
    PASSWORD_TAG,
    OfficerNotInFile,
    hash_pin,
    is_legacy_hash,
    is_pin_hash,
    set_officer_pin_in_toml,
    set_pin_in_toml,
    valid_pin,
    verify_pin,
)

FAST = 1_000  # iterations: the real default is slow on purpose


def test_hashed_pin_verifies_and_does_not_contain_the_pin() -> None:
    stored = hash_pin("246810", iterations=FAST)

    assert verify_pin("246810", stored)
    algo, iterations, salt, digest = stored.split("$")
    assert (algo, iterations) == ("pin6-pbkdf2_sha256", str(FAST))
    assert len(bytes.fromhex(salt)) == 16
    assert len(bytes.fromhex(digest)) == 32
    # Nothing of the PIN is in what the config file keeps: not as digits, not hex-encoded.
    assert "246810" not in stored
    assert b"246810".hex() not in stored


def test_default_iterations_roundtrip() -> None:
    stored = hash_pin("1357")

    assert stored.split("$")[1] == "200000"
    assert verify_pin("1357", stored)
    assert not verify_pin("1358", stored)


@pytest.mark.parametrize("wrong", ["1235", "123", "12345", "", " 1234", "1234 "])
def test_wrong_pin_is_refused(wrong: str) -> None:
    assert not verify_pin(wrong, hash_pin("1234", iterations=FAST))


def test_same_pin_hashes_differently_with_a_new_salt() -> None:
    a, b = hash_pin("1234", iterations=FAST), hash_pin("1234", iterations=FAST)

    assert a != b
    assert verify_pin("1234", a) and verify_pin("1234", b)


def test_hash_is_standard_pbkdf2_sha256_known_answer() -> None:
    """The published PBKDF2-HMAC-SHA256 vector ("password", "salt", 1 iteration, 32 bytes):
    any PBKDF2 tool can check a stored hash, and a change of algorithm cannot go unnoticed."""
    stored = hash_pin("password", salt=b"salt", iterations=1)

    assert stored == (
        "pin6-pbkdf2_sha256$1$73616c74$"
        "120fb6cffcf8b32c43e7225256c4f837a86548c92ccc35480805987cb70be17b"
    )


def test_hashes_of_older_versions_still_verify_and_are_marked_legacy() -> None:
    old = hash_pin("1234", iterations=FAST, tag="pbkdf2_sha256")  # what 4-digit days wrote

    assert verify_pin("1234", old) and is_legacy_hash(old)
    assert not is_legacy_hash(hash_pin("123456", iterations=FAST))
    assert not verify_pin("1234", "md5$1000$00$00")  # an unknown algorithm never matches


_GOOD = hash_pin("1234", iterations=FAST)
_ALGO, _ITERS, _SALT, _DIGEST = _GOOD.split("$")


@pytest.mark.parametrize(
    "stored",
    [
        pytest.param("", id="empty"),
        pytest.param("1234", id="plain-pin"),
        pytest.param(f"md5${_ITERS}${_SALT}${_DIGEST}", id="other-algorithm"),
        pytest.param(f"{_ALGO}$many${_SALT}${_DIGEST}", id="iterations-not-a-number"),
        pytest.param(f"{_ALGO}$0${_SALT}${_DIGEST}", id="zero-iterations"),
        pytest.param(f"{_ALGO}$-5${_SALT}${_DIGEST}", id="negative-iterations"),
        pytest.param(f"{_ALGO}${'9' * 30}${_SALT}${_DIGEST}", id="absurd-iterations"),
        pytest.param(f"{_ALGO}${_ITERS}$zz${_DIGEST}", id="salt-not-hex"),
        pytest.param(f"{_ALGO}${_ITERS}${_SALT}${_DIGEST[:-2]}đđ", id="non-ascii-digest"),
        pytest.param(f"{_ALGO}${_ITERS}${_SALT}", id="missing-part"),
        pytest.param(_GOOD + "$extra", id="extra-part"),
        pytest.param(_GOOD[:-2], id="truncated-digest"),
    ],
)
def test_malformed_stored_hash_never_matches_and_never_raises(stored: str) -> None:
    assert verify_pin("1234", stored) is False


@pytest.mark.parametrize(
    ("pin", "ok"),
    [
        ("123456", True),
        ("123456789012", True),
        ("000000", True),
        ("1234", False),  # allowed once; a million guesses now, not ten thousand
        ("12345", False),
        ("1234567890123", False),
        ("1234ab", False),
        ("123 456", False),
        ("", False),
        ("１２３４５６", False),  # full-width digits cannot be typed on the kiosk pad
        ("١٢٣٤٥٦", False),  # Arabic-Indic digits
    ],
)
def test_a_new_pin_is_six_to_twelve_ascii_digits(pin: str, ok: bool) -> None:
    assert valid_pin(pin) is ok


def test_the_pad_still_takes_the_four_digit_pin_of_an_older_hash() -> None:
    assert valid_pin("1234", ANY_PIN_DIGITS) and not valid_pin("123", ANY_PIN_DIGITS)


# ------------------------------------------------------------------ editing the config text

HASH = hash_pin("1234", iterations=FAST)


def _without_pin_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if "admin_pin_hash" not in line]


def test_set_pin_without_kiosk_section_appends_one() -> None:
    text = '# my point\n[site]\nid = "abc"  # short id\n'

    new = set_pin_in_toml(text, HASH)

    assert new.startswith(text.rstrip("\n"))
    assert tomllib.loads(new) == {"site": {"id": "abc"}, "kiosk": {"admin_pin_hash": HASH}}


def test_set_pin_in_kiosk_section_without_the_key_adds_it_there() -> None:
    text = "[kiosk]\nscreen = 0\n\n[reports]\nwait_target_minutes = 15\n"

    new = set_pin_in_toml(text, HASH)

    raw = tomllib.loads(new)
    assert raw["kiosk"] == {"screen": 0, "admin_pin_hash": HASH}
    assert raw["reports"] == {"wait_target_minutes": 15}
    assert _without_pin_lines(new) == _without_pin_lines(text)


def test_set_pin_replaces_an_existing_line_keeping_its_comment_and_blank_lines() -> None:
    text = (
        "[kiosk]\nscreen = 0\n\n"
        'admin_pin_hash = "old"          # set with: kiosk config set-pin\n\n'
        "[reports]\nwait_target_minutes = 15\n"
    )

    new = set_pin_in_toml(text, HASH)

    assert new.count("admin_pin_hash") == 1
    assert f'admin_pin_hash = "{HASH}"          # set with: kiosk config set-pin\n' in new
    assert _without_pin_lines(new) == _without_pin_lines(text)
    assert tomllib.loads(new)["kiosk"]["admin_pin_hash"] == HASH


def test_set_pin_twice_keeps_a_single_line_with_the_newest_hash() -> None:
    second = hash_pin("9999", iterations=FAST)

    new = set_pin_in_toml(set_pin_in_toml("[kiosk]\nscreen = 1\n", HASH), second)

    assert new.count("admin_pin_hash") == 1
    assert tomllib.loads(new)["kiosk"] == {"screen": 1, "admin_pin_hash": second}


def test_set_pin_finds_a_kiosk_header_with_a_comment() -> None:
    text = "[kiosk]   # the touch screen\nscreen = 0\n"

    new = set_pin_in_toml(text, HASH)

    assert new.count("[kiosk]") == 1
    assert tomllib.loads(new)["kiosk"] == {"screen": 0, "admin_pin_hash": HASH}


def test_set_pin_leaves_other_tables_alone() -> None:
    text = "[kiosk]\nscreen = 0\n[[fields]]\ncode = 'a'\n[[fields]]\ncode = 'b'\n"

    raw = tomllib.loads(set_pin_in_toml(text, HASH))

    assert raw["kiosk"]["admin_pin_hash"] == HASH
    assert raw["fields"] == [{"code": "a"}, {"code": "b"}]


def test_set_pin_in_the_shipped_config_gives_a_valid_config_with_that_hash() -> None:
    text = default_config_text()

    new = set_pin_in_toml(text, HASH)

    assert parse_config(new).kiosk.admin_pin_hash == HASH
    assert _without_pin_lines(new) == _without_pin_lines(text)
    assert "# set with: kiosk config set-pin" in new


# ------------------------------------------------------------------ officers' PINs

OFFICERS = """\
[site]
id = "tranphu"

# Officers of the point
[[officers]]
id = "lan"   # Nguyễn Thị Lan, mornings
name = "Nguyễn Thị Lan"

[[officers]]
  id = "minh"
  name = "Trần Văn Minh"
  pin_hash = "pin6-pbkdf2_sha256$1$00$11"  # old one
  counters = [1, 2]

[[officers]]
id = 'hoa'
name = "Lê Thị Hoa"
counters = [3]
"""


def _officer_hashes(text: str) -> dict[str, str | None]:
    return {o["id"]: o.get("pin_hash") for o in tomllib.loads(text)["officers"]}


def test_an_officer_pin_is_written_into_that_officers_block_only() -> None:
    text = set_officer_pin_in_toml(OFFICERS, "lan", "pin6-pbkdf2_sha256$2$aa$bb")
    assert _officer_hashes(text) == {
        "lan": "pin6-pbkdf2_sha256$2$aa$bb",
        "minh": "pin6-pbkdf2_sha256$1$00$11",
        "hoa": None,
    }
    # After the block's name, and everything else as it was (comments included).
    assert 'name = "Nguyễn Thị Lan"\npin_hash = "pin6-pbkdf2_sha256$2$aa$bb"\n' in text
    assert text.replace('pin_hash = "pin6-pbkdf2_sha256$2$aa$bb"\n', "") == OFFICERS


def test_an_existing_officer_pin_is_replaced_keeping_indentation_and_comment() -> None:
    text = set_officer_pin_in_toml(OFFICERS, "minh", "pin6-pbkdf2_sha256$3$cc$dd")
    assert '  pin_hash = "pin6-pbkdf2_sha256$3$cc$dd"  # old one\n' in text
    assert _officer_hashes(text)["minh"] == "pin6-pbkdf2_sha256$3$cc$dd"
    assert text.count("pin_hash") == 1
    twice = set_officer_pin_in_toml(text, "hoa", "pin6-pbkdf2_sha256$4$ee$ff")
    assert _officer_hashes(twice)["hoa"] == "pin6-pbkdf2_sha256$4$ee$ff"  # a quoted 'id'


def test_clearing_an_officer_pin_removes_its_line_only() -> None:
    text = set_officer_pin_in_toml(OFFICERS, "minh", None)
    assert _officer_hashes(text) == {"lan": None, "minh": None, "hoa": None}
    assert text == OFFICERS.replace('  pin_hash = "pin6-pbkdf2_sha256$1$00$11"  # old one\n', "")
    assert set_officer_pin_in_toml(text, "lan", None) == text  # nothing to clear


def test_an_officer_not_in_the_file_is_said_so() -> None:
    with pytest.raises(OfficerNotInFile):
        set_officer_pin_in_toml(OFFICERS, "lann", "pin6-pbkdf2_sha256$2$aa$bb")
    with pytest.raises(OfficerNotInFile):
        set_officer_pin_in_toml('[site]\nid = "lan"\n', "lan", "pin6-pbkdf2_sha256$2$aa$bb")


def test_only_a_pins_hash_is_taken_for_an_officer_pin() -> None:
    assert is_pin_hash(hash_pin("246810", iterations=1))
    assert not is_pin_hash(hash_pin("a long password", tag=PASSWORD_TAG))
    assert not is_pin_hash("246810")
    assert not is_pin_hash("pin6-pbkdf2_sha256$x$aa$bb")
