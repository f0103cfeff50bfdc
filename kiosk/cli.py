"""The `kiosk` command: every role and admin task. Errors become one clear line, never a traceback.

Exit codes: 0 ok, 1 refused by a queue rule (e.g. no one waiting) or database unreachable,
2 a user mistake (bad argument, config, unknown field/counter/ticket).
"""

from __future__ import annotations

import argparse
import getpass
import json
import logging
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, NoReturn

from kiosk import __version__
from kiosk.core.errors import ConfigError, KioskError, UnknownField
from kiosk.core.shapes import event_json, snapshot_json, ticket_json
from kiosk.core.texts import Text
from kiosk.core.wording import count_en, dossiers_text

log = logging.getLogger("kiosk")

Handler = Callable[["Context", argparse.Namespace], int]


# ------------------------------------------------------------------------------ context


@dataclass
class Context:
    """What every command needs, opened lazily so `--help` and `config` stay fast."""

    config_path: str | None
    db_url: str | None
    json: bool = False
    lang: str = "en"
    command: str = ""
    _config: Any = None
    _service: Any = None

    @property
    def config(self) -> Any:
        if self._config is None:
            from kiosk.core.config import load_config

            self._config = load_config(self.config_path)
        return self._config

    @property
    def url(self) -> str:
        from kiosk.core.database import resolve_db_url

        return resolve_db_url(self.db_url)

    @property
    def service(self) -> Any:
        if self._service is None:
            from kiosk.core.queue import QueueService
            from kiosk.core.store import Store

            self._service = QueueService(Store.open(self.url), self.config)
        return self._service

    def out(self, value: Any, text: str) -> None:
        print(json.dumps(value, ensure_ascii=False, indent=2) if self.json else text)


# ------------------------------------------------------------------------------ queue commands


def _ticket_line(ctx: Context, verb: str, t: Any) -> int:
    ctx.out(ticket_json(t, ctx.config.zone), f"{verb} {t.code}")
    return 0


def cmd_issue(ctx: Context, a: argparse.Namespace) -> int:
    procedure = _procedure_of(ctx, a.field, a.procedure) if a.procedure else None
    svc = ctx.service
    issued = svc.issue(
        a.field,
        priority=a.priority,
        procedure=procedure.key if procedure else None,
        actor="cli",
    )
    t = issued.ticket
    f = ctx.config.field(t.field)
    data = {
        "ticket": ticket_json(t, ctx.config.zone),
        "people_ahead": issued.people_ahead,
        "estimated_wait_minutes": issued.estimated_wait_minutes,
        "counters_open": issued.counters_open,
        "page_url": ctx.config.web.page_url(t.page_token),
    }
    prio = " (priority)" if t.priority else ""
    what = f" – {procedure.name}" if procedure else ""
    ctx.out(
        data,
        f"{t.code}{prio} – {f.name} / {f.name_en}{what}: {issued.people_ahead} ahead, "
        f"{_wait_words(issued.estimated_wait_minutes)}",
    )
    return 0


def _procedure_of(ctx: Context, field: str, key: str) -> Any:
    """The catalogue procedure `key` (its code or name) of `field`, or one clear line."""
    from kiosk.core.catalogue import load_catalogue

    catalogue = load_catalogue(_catalogue_file(ctx, None), ctx.config)
    found = catalogue.find(field, key)
    if found is None:
        known = ", ".join(p.key for p in catalogue.of_field(field)) or "none"
        raise UnknownField(
            f'Lĩnh vực {field} không có thủ tục "{key}". Các thủ tục: {known}',
            f'Field {field} has no procedure "{key}". Procedures: {known}',
        )
    return found


def _wait_words(minutes: int | None) -> str:
    """The estimate for people reading the terminal: "about 12 min" or that none is open."""
    return "no counter open yet" if minutes is None else f"about {minutes} min"


def cmd_call(ctx: Context, a: argparse.Namespace) -> int:
    if a.ticket:
        t = ctx.service.call_ticket(a.counter, a.ticket, actor="cli")
        return _ticket_line(ctx, f"Counter {a.counter} called (out of turn)", t)
    t = ctx.service.call_next(a.counter, actor="cli")
    return _ticket_line(ctx, f"Counter {a.counter} called", t)


def cmd_recall(ctx: Context, a: argparse.Namespace) -> int:
    return _ticket_line(ctx, f"Counter {a.counter} recalled", ctx.service.recall(a.counter))


def cmd_skip(ctx: Context, a: argparse.Namespace) -> int:
    return _ticket_line(ctx, f"Counter {a.counter} skipped (no-show)", ctx.service.skip(a.counter))


def cmd_start(ctx: Context, a: argparse.Namespace) -> int:
    t = ctx.service.start_service(a.counter)
    return _ticket_line(ctx, f"Counter {a.counter} serving", t)


def cmd_complete(ctx: Context, a: argparse.Namespace) -> int:
    t = ctx.service.complete(a.counter, dossiers=a.dossiers)
    dossiers = dossiers_text(t.dossiers)[1]
    return _ticket_line(ctx, f"Counter {a.counter} completed ({dossiers})", t)


def cmd_transfer(ctx: Context, a: argparse.Namespace) -> int:
    t = ctx.service.transfer(a.counter, to_field=a.to_field, to_counter=a.to_counter)
    where = f"field {a.to_field}" if a.to_field else f"counter {a.to_counter}"
    return _ticket_line(ctx, f"Counter {a.counter} transferred to {where}:", t)


def cmd_return(ctx: Context, a: argparse.Namespace) -> int:
    return _ticket_line(ctx, "Returned to the queue:", ctx.service.return_skipped(a.ticket))


def cmd_open(ctx: Context, a: argparse.Namespace) -> int:
    ctx.service.open_counter(a.counter)
    ctx.out({"counter": a.counter, "state": "open"}, f"Counter {a.counter} open")
    return 0


def cmd_pause(ctx: Context, a: argparse.Namespace) -> int:
    ctx.service.pause_counter(a.counter, a.reason or "")
    ctx.out(
        {"counter": a.counter, "state": "paused", "reason": a.reason or ""},
        f"Counter {a.counter} paused" + (f": {a.reason}" if a.reason else ""),
    )
    return 0


def cmd_close(ctx: Context, a: argparse.Namespace) -> int:
    ctx.service.close_counter(a.counter)
    ctx.out({"counter": a.counter, "state": "closed"}, f"Counter {a.counter} closed")
    return 0


def cmd_status(ctx: Context, a: argparse.Namespace) -> int:
    snap = ctx.service.snapshot()
    zone = ctx.config.zone
    if ctx.json:
        ctx.out(snapshot_json(snap, zone), "")
        return 0
    lines = [
        f"{ctx.config.site.name} – {snap.business_day:%d/%m/%Y} {snap.at.astimezone(zone):%H:%M}"
    ]
    lines.append("Fields (waiting / issued today / estimated wait):")
    for f in snap.fields:
        state = "" if f.open_now else f"  [{f.closed_reason_en}]"
        lines.append(
            f"  {f.prefix:<2} {f.name_en:<45} {f.waiting:>3} / {f.issued_today:>3} / "
            f"{_wait_words(f.estimated_wait_minutes)}{state}"
        )
    lines.append("Counters:")
    for c in snap.counters:
        held = f"{c.ticket.code} ({c.ticket.state.value})" if c.ticket else "-"
        reason = f" ({c.reason})" if c.reason else ""
        lines.append(
            f"  {c.number:>2} {c.state.value:<7}{reason:<12} holding {held:<18} "
            f"served {c.served_today}"
        )
    ctx.out(None, "\n".join(lines))
    return 0


def cmd_events(ctx: Context, a: argparse.Namespace) -> int:
    events = ctx.service.events_after(a.since, limit=a.limit)
    zone = ctx.config.zone
    if ctx.json:
        ctx.out([event_json(e, zone) for e in events], "")
        return 0
    for e in events:
        parts = [f"{e.id:>6}", f"{e.at.astimezone(zone):%d/%m %H:%M:%S}", f"{e.kind.value:<14}"]
        parts.append(e.ticket_code or "")
        if e.counter:
            parts.append(f"counter {e.counter}")
        print("  ".join(p for p in parts if p))
    return 0


# ------------------------------------------------------------------------------ admin commands


def cmd_db_upgrade(ctx: Context, a: argparse.Namespace) -> int:
    from kiosk.core.database import create_db_engine, describe_url, translated_errors, upgrade

    engine = create_db_engine(ctx.url)
    with translated_errors(ctx.url):
        before, after = upgrade(engine, ctx.url)
    engine.dispose()
    msg = (
        f"{describe_url(ctx.url)} is up to date (revision {after})"
        if before == after
        else f"{describe_url(ctx.url)} upgraded from {before or 'empty'} to {after}"
    )
    ctx.out({"url": describe_url(ctx.url), "before": before, "after": after}, msg)
    return 0


def cmd_db_copy(ctx: Context, a: argparse.Namespace) -> int:
    from kiosk.core.copy import copy_database

    def progress(table: str, done: int, total: int) -> None:
        if not ctx.json:
            print(f"{table}: {done}/{total}", flush=True)

    report = copy_database(a.from_url, a.to_url, batch=a.batch, progress=progress)
    ctx.out(
        {
            "source": report.source,
            "target": report.target,
            "resumed": report.resumed,
            "events_replayed": report.events_replayed,
            "tables": [
                {"name": t.name, "rows": t.target_rows, "copied_now": t.copied_now}
                for t in report.tables
            ],
        },
        report.summary(),
    )
    return 0


def cmd_config_init(ctx: Context, a: argparse.Namespace) -> int:
    from kiosk.core.config import CONFIG_ENV, default_config_path, default_config_text

    # Same order as every other command, so `config check` then finds the file written here.
    chosen = a.path or ctx.config_path or os.environ.get(CONFIG_ENV) or default_config_path()
    path = Path(chosen).expanduser()
    from kiosk.core.files import check_folder, check_target, write_atomic

    check_folder(path.parent, create=True, parents=True)
    check_target(path)  # a link, pipe or device there is refused even with --force
    if path.exists() and not a.force:
        raise ConfigError(
            f"{path} đã tồn tại; thêm --force để ghi đè",
            f"{path} already exists; add --force to overwrite it",
        )
    write_atomic(path, default_config_text(), mode=CONFIG_MODE)
    print(f"Wrote {path}. Edit it, then run: kiosk config check {path}")
    return 0


def cmd_config_check(ctx: Context, a: argparse.Namespace) -> int:
    from kiosk.audio.sound_check import sound_problems
    from kiosk.core.config import ConfigInvalid, load_config, resolve_config_path

    explicit = a.path or ctx.config_path
    cfg = load_config(explicit)
    where = resolve_config_path(explicit) or "(built-in default)"
    # Checks that need the sound clips on disk (clips_dir, prefixes heard the same).
    problems = sound_problems(cfg)
    if problems:
        raise ConfigInvalid(str(where), problems)
    print(
        f"{where}: OK – {len(cfg.fields)} fields, {len(cfg.counters)} counters, "
        f"printer {cfg.printer.target.value}, time zone {cfg.site.timezone}"
    )
    for warning in secret_warnings(cfg, resolve_config_path(explicit)):
        print(f"kiosk: warning: {warning}", file=sys.stderr)
    return 0


# ------------------------------------------------------------------------------ catalogue


def _catalogue_file(ctx: Context, given: str | None) -> Path:
    """FILE as given, else the catalogue `[kiosk] catalogue` names."""
    from kiosk.core.catalogue import catalogue_path

    if given:
        return Path(given).expanduser()
    named = catalogue_path(ctx.config, ctx.config_path)
    if named is None:
        raise ConfigError(
            "Chưa có danh mục thủ tục: ghi [kiosk] catalogue trong kiosk.toml, hoặc nêu TỆP",
            "No catalogue is set: give FILE, or set [kiosk] catalogue in kiosk.toml "
            "(kiosk catalogue init writes a sample to start from)",
        )
    return named


def _default_catalogue_target(ctx: Context) -> Path:
    from kiosk.core.catalogue import catalogue_path
    from kiosk.core.config import default_config_path, resolve_config_path

    named = catalogue_path(ctx.config, ctx.config_path)
    if named is not None:
        return named
    config_file = resolve_config_path(ctx.config_path) or default_config_path()
    return config_file.parent / "catalogue.toml"


def _write_catalogue(ctx: Context, target: Path, text: str, force: bool) -> None:
    from kiosk.core.files import check_target, write_atomic

    target = check_target(target)
    if target.exists() and not force:
        raise ConfigError(
            f"{target} đã có; thêm --force để ghi đè",
            f"{target} already exists; add --force to replace it",
        )
    write_atomic(target, text, folders=True)


def _catalogue_hint(ctx: Context, target: Path) -> str:
    from kiosk.core.catalogue import catalogue_path

    if catalogue_path(ctx.config, ctx.config_path) == target:
        return ""
    return f'; to use it, set in kiosk.toml: [kiosk] catalogue = "{target}"'


def cmd_catalogue_check(ctx: Context, a: argparse.Namespace) -> int:
    from kiosk.core.catalogue import load_catalogue

    path = _catalogue_file(ctx, a.path)
    catalogue = load_catalogue(path, ctx.config)
    fields = {p.field for p in catalogue.procedures}
    documents = sum(len(p.documents) for p in catalogue.procedures)
    ctx.out(
        {"path": str(path), "procedures": len(catalogue.procedures), "documents": documents},
        f"{path}: OK – {count_en(len(catalogue.procedures), 'procedure')} in "
        f"{count_en(len(fields), 'field')}, {count_en(documents, 'document')} to bring",
    )
    return 0


def cmd_catalogue_init(ctx: Context, a: argparse.Namespace) -> int:
    from kiosk.core.catalogue import sample_text

    target = Path(a.path).expanduser() if a.path else _default_catalogue_target(ctx)
    _write_catalogue(ctx, target, sample_text(), a.force)
    print(f"Wrote the sample catalogue to {target}: check it first{_catalogue_hint(ctx, target)}")
    return 0


def cmd_catalogue_import(ctx: Context, a: argparse.Namespace) -> int:
    import tomli_w

    from kiosk.core.catalogue import SAMPLE_HEADER
    from kiosk.core.catalogue_import import catalogue_from_rows, read_rows

    source = Path(a.file).expanduser()
    catalogue, raw = catalogue_from_rows(read_rows(source), ctx.config, str(source))
    target = Path(a.out).expanduser() if a.out else _default_catalogue_target(ctx)
    header = SAMPLE_HEADER.format(source=source.name)
    _write_catalogue(ctx, target, header + tomli_w.dumps(raw), a.force)
    print(
        f"Wrote {count_en(len(catalogue.procedures), 'procedure')} from {source} to "
        f"{target}{_catalogue_hint(ctx, target)}"
    )
    return 0


#: Config files hold the PIN and password hashes: readable by their owner only.
CONFIG_MODE = 0o600


def secret_warnings(cfg: Any, path: Path | None) -> list[str]:
    """What `config check` warns about (exit still 0): a hash others can read, an old PIN."""
    from kiosk.core.pin import is_legacy_hash

    warnings = []
    holds = (
        cfg.kiosk.admin_pin_hash.strip()
        or cfg.web.manager_password_hash.strip()
        or any(o.pin_hash for o in cfg.officers)
    )
    if holds and path is not None and path.exists() and os.name == "posix":
        mode = path.stat().st_mode & 0o777
        if mode & 0o077:
            warnings.append(
                f"{path} holds a PIN or password hash and is readable by others "
                f"(mode {mode:o}); run: chmod 600 {path}"
            )
    if is_legacy_hash(cfg.kiosk.admin_pin_hash):
        warnings.append(
            "the admin PIN was set by an older version that allowed 4 digits; "
            "set a new one of 6 to 12 digits with: kiosk config set-pin"
        )
    return warnings


def _config_file_to_edit(ctx: Context, a: argparse.Namespace, what: str) -> Path:
    """The existing config file a `config set-…` command writes `what` into."""
    from kiosk.core.config import resolve_config_path
    from kiosk.core.files import check_target

    path = resolve_config_path(a.path or ctx.config_path)
    if path is None or not path.exists():
        where = f" {path}" if path else ""
        raise ConfigError(
            f"Chưa có tệp cấu hình{where}; tạo bằng: kiosk config init{where}",
            f"No config file{where} to store the {what} in; "
            f"create one first with: kiosk config init{where}",
        )
    if not path.is_file():
        raise ConfigError(
            f"{path} không phải là một tệp cấu hình", f"{path} is not a file; give the config file"
        )
    check_target(path)  # before asking for the secret: a link is refused, never replaced
    return path


def _read_secret(from_stdin: bool, prompt: str, what: Text) -> str:
    """One line from stdin, or typed twice at the terminal (must match)."""
    name, name_vi = what.en, what.vi
    try:
        if from_stdin:
            return sys.stdin.readline().strip()
        if not sys.stdin.isatty():  # getpass would warn and echo: refuse in one line instead
            raise ConfigError(
                f"Không có bàn phím để nhập {name_vi}; dùng --{name.lower()}-stdin",
                f"No terminal to type the {name} on; pipe it in with --{name.lower()}-stdin",
            )
        secret = getpass.getpass(prompt)
        if getpass.getpass(f"Repeat the {name}: ") != secret:
            raise ConfigError(
                f"Hai lần nhập {name_vi} không khớp", f"The two {name}s differ; nothing changed"
            )
        return secret
    except EOFError:
        raise ConfigError(
            f"Không nhận được {name_vi}",
            f"No {name} was typed; nothing changed (or use --{name.lower()}-stdin)",
        ) from None


def _edit_config(path: Path, edit: Callable[[str], str]) -> None:
    """Write `edit(text)` into the file, keeping the rest; never write a config that won't
    load."""
    from kiosk.core.config import parse_config
    from kiosk.core.files import write_atomic

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or "not UTF-8 text"
        raise ConfigError(
            f"Không đọc được {path}: {reason}", f"Cannot read {path}: {reason}"
        ) from None
    new_text = edit(text)
    parse_config(new_text, str(path))
    write_atomic(path, new_text, mode=CONFIG_MODE)  # also tightens an older, readable file


def _store_in_config(path: Path, section: str, key: str, value: str) -> None:
    """Set `[section] key` in the file (`_edit_config`)."""
    from kiosk.core.pin import set_string_in_toml

    _edit_config(path, lambda text: set_string_in_toml(text, section, key, value))


def cmd_config_set_pin(ctx: Context, a: argparse.Namespace) -> int:
    from kiosk.core.pin import hash_pin

    path = _config_file_to_edit(ctx, a, "PIN")
    pin = _new_pin(a.pin_stdin, "New admin PIN (6-12 digits): ")
    _store_in_config(path, "kiosk", "admin_pin_hash", hash_pin(pin))
    print(f"Admin PIN stored (hashed) in {path}")
    return 0


def _new_pin(from_stdin: bool, prompt: str) -> str:
    """A new PIN of 6 to 12 digits, typed twice or read from stdin."""
    from kiosk.core.pin import valid_pin

    pin = _read_secret(from_stdin, prompt, Text("PIN", "PIN"))
    if not valid_pin(pin):
        raise ConfigError(
            "Mã PIN phải gồm 6-12 chữ số; không có gì thay đổi",
            "The PIN must be 6 to 12 digits; nothing changed",
        )
    return pin


def cmd_config_set_officer_pin(ctx: Context, a: argparse.Namespace) -> int:
    from kiosk.core.config import load_config
    from kiosk.core.officers import known_officer
    from kiosk.core.pin import OfficerNotInFile, hash_pin, set_officer_pin_in_toml

    path = _config_file_to_edit(ctx, a, "PIN")
    try:
        officer = known_officer(load_config(str(path)), a.officer)
    except KioskError as exc:  # names the officers there, with "did you mean"
        raise ConfigError(f"{exc.message_vi} ({path})", f"{exc.message_en} ({path})") from None
    pin_hash = None if a.clear else hash_pin(_new_pin(a.pin_stdin, f"New PIN of {officer.name}: "))

    def edit(text: str) -> str:
        try:
            return set_officer_pin_in_toml(text, officer.id, pin_hash)
        except OfficerNotInFile:  # written as an inline table or a dotted key
            raise ConfigError(
                f'Không tìm thấy khối [[officers]] có id = "{officer.id}" trong {path}',
                f'No [[officers]] block with id = "{officer.id}" in {path} to write the PIN '
                "into; write the officer as a [[officers]] block",
            ) from None

    _edit_config(path, edit)
    done = "removed" if a.clear else "stored (hashed)"
    print(f"PIN of officer {officer.id} ({officer.name}) {done} in {path}")
    return 0


#: The web manager's password travels over a network: longer than a kiosk PIN.
WEB_PASSWORD_MIN = 10


def cmd_config_set_web_password(ctx: Context, a: argparse.Namespace) -> int:
    from kiosk.core.pin import PASSWORD_TAG, hash_pin

    path = _config_file_to_edit(ctx, a, "password")
    password = _read_secret(
        a.password_stdin,
        f"New /manage password ({WEB_PASSWORD_MIN}+ characters): ",
        Text("mật khẩu", "password"),
    )
    if not WEB_PASSWORD_MIN <= len(password) <= 200:
        raise ConfigError(
            f"Mật khẩu phải dài {WEB_PASSWORD_MIN}-200 ký tự",
            f"The password must be {WEB_PASSWORD_MIN} to 200 characters long; nothing changed",
        )
    _store_in_config(path, "web", "manager_password_hash", hash_pin(password, tag=PASSWORD_TAG))
    print(f"Web manager password stored (hashed) in {path}; restart `kiosk web` to use it")
    return 0


# ------------------------------------------------------------------------------ parser


def _add_common(p: argparse.ArgumentParser, *, top: bool) -> None:
    default = None if top else argparse.SUPPRESS
    p.add_argument("--db", metavar="URL", default=default, help="database URL (or KIOSK_DB)")
    p.add_argument(
        "--config", metavar="PATH", default=default, help="config file (or KIOSK_CONFIG)"
    )
    p.add_argument("--json", action="store_true", default=default or False, help="JSON output")
    p.add_argument(
        "--lang", choices=("vi", "en"), default=default, help="language of messages (default en)"
    )
    p.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        default=False if top else argparse.SUPPRESS,
        help="log details to stderr",
    )


def build_parser() -> argparse.ArgumentParser:
    from kiosk.arguments import CommandParser, whole_number  # subparsers inherit one-line errors

    parser = CommandParser(
        prog="kiosk",
        description="Queue ticketing for a one-stop public service point.",
    )
    parser.add_argument("--version", action="version", version=f"kiosk {__version__}")
    _add_common(parser, top=True)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    common = CommandParser(add_help=False)
    _add_common(common, top=False)

    def add(name: str, handler: Handler, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, parents=[common], help=help_text, description=help_text)
        p.set_defaults(handler=handler)
        return p

    p = add("issue", cmd_issue, "issue a ticket for a field")
    p.add_argument("field", help="field code, e.g. hotich")
    p.add_argument("--priority", action="store_true", help="priority ticket (elderly, …)")
    p.add_argument(
        "--procedure",
        metavar="CODE",
        help="the catalogue procedure it is for (its code, or its name)",
    )
    p = add("call", cmd_call, "call the next ticket to a counter")
    p.add_argument("counter", type=int)
    p.add_argument("--ticket", metavar="CODE", help="call this waiting ticket out of turn")
    for name, handler, text in (
        ("recall", cmd_recall, "announce the counter's ticket again"),
        ("skip", cmd_skip, "set the counter's ticket aside as a no-show"),
        ("start", cmd_start, "mark the citizen as being served"),
        ("open", cmd_open, "open a counter"),
        ("close", cmd_close, "close a counter"),
    ):
        add(name, handler, text).add_argument("counter", type=int)
    p = add("complete", cmd_complete, "complete the counter's ticket")
    p.add_argument("counter", type=int)
    p.add_argument(
        "--dossiers",
        type=whole_number(0, 99, "dossiers"),
        default=1,
        help="dossiers handled, 0-99 (default 1)",
    )
    p = add("transfer", cmd_transfer, "send the counter's ticket to another field or counter")
    p.add_argument("counter", type=int)
    dest = p.add_mutually_exclusive_group(required=True)
    dest.add_argument("--to-field", metavar="FIELD")
    dest.add_argument("--to-counter", metavar="N", type=int)
    p = add("return", cmd_return, "put a skipped ticket back in the queue")
    p.add_argument("ticket", metavar="CODE")
    p = add("pause", cmd_pause, "pause a counter")
    p.add_argument("counter", type=int)
    p.add_argument("--reason", default="", help="e.g. lunch, meeting")
    add("status", cmd_status, "waiting per field and each counter's ticket")
    p = add("events", cmd_events, "the event log")
    since = whole_number(0, 2**63 - 1)  # event ids are 64-bit
    p.add_argument("--since", type=since, default=0, metavar="ID", help="events after this id")
    p.add_argument(
        "--limit",
        type=whole_number(1, 1_000_000),
        default=10000,
        help="at most this many (1-1000000)",
    )

    db = sub.add_parser("db", help="database tasks").add_subparsers(
        dest="db_command", required=True
    )
    p = db.add_parser("upgrade", parents=[common], help="create or upgrade the schema")
    p.set_defaults(handler=cmd_db_upgrade)
    p = db.add_parser(
        "copy",
        parents=[common],
        help="copy a point's whole history to another database (SQLite ↔ PostgreSQL)",
        description="Copy every ticket and event, keeping ids, in batches; verified by counts, "
        "contents and a replay of the log. Run it again after an interruption: it continues "
        "where it stopped. Stop every kiosk program of the point first.",
    )
    p.add_argument("--from", dest="from_url", metavar="URL", required=True, help="source")
    p.add_argument("--to", dest="to_url", metavar="URL", required=True, help="target")
    p.add_argument("--batch", type=int, default=1000, metavar="N", help="rows per transaction")
    p.set_defaults(handler=cmd_db_copy)

    cfg = sub.add_parser("config", help="configuration tasks").add_subparsers(
        dest="config_command", required=True
    )
    p = cfg.add_parser("init", parents=[common], help="write the default config")
    p.add_argument("path", nargs="?")
    p.add_argument("--force", action="store_true", help="overwrite an existing file")
    p.set_defaults(handler=cmd_config_init)
    p = cfg.add_parser("check", parents=[common], help="list every problem of a config file")
    p.add_argument("path", nargs="?")
    p.set_defaults(handler=cmd_config_check)
    p = cfg.add_parser("set-pin", parents=[common], help="set the kiosk admin PIN (hashed)")
    p.add_argument("path", nargs="?")
    p.add_argument("--pin-stdin", action="store_true", help="read the PIN from standard input")
    p.set_defaults(handler=cmd_config_set_pin)
    p = cfg.add_parser(
        "set-officer-pin", parents=[common], help="set or clear an officer's sign-in PIN (hashed)"
    )
    p.add_argument("officer", metavar="ID", help="the officer's id in [[officers]]")
    p.add_argument("path", nargs="?")
    p.add_argument("--pin-stdin", action="store_true", help="read the PIN from standard input")
    p.add_argument("--clear", action="store_true", help="remove the PIN (sign in without one)")
    p.set_defaults(handler=cmd_config_set_officer_pin)
    p = cfg.add_parser(
        "set-web-password", parents=[common], help="set the password of kiosk web's /manage"
    )
    p.add_argument("path", nargs="?")
    p.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    p.set_defaults(handler=cmd_config_set_web_password)

    cat = sub.add_parser(
        "catalogue", help="procedures and the documents to bring (kiosk, ticket, phone)"
    ).add_subparsers(dest="catalogue_command", required=True)
    p = cat.add_parser("check", parents=[common], help="list every problem of a catalogue file")
    p.add_argument("path", nargs="?", help="default: the file [kiosk] catalogue names")
    p.set_defaults(handler=cmd_catalogue_check)
    p = cat.add_parser("init", parents=[common], help="write the sample catalogue to edit")
    p.add_argument("path", nargs="?", help="default: catalogue.toml beside kiosk.toml")
    p.add_argument("--force", action="store_true", help="overwrite an existing file")
    p.set_defaults(handler=cmd_catalogue_init)
    p = cat.add_parser(
        "import", parents=[common], help="make the catalogue from a spreadsheet (.xlsx, .csv)"
    )
    p.add_argument("file", help="the spreadsheet: one row per document (docs/catalogue.md)")
    p.add_argument("--out", metavar="PATH", help="default: the catalogue file in use")
    p.add_argument("--force", action="store_true", help="overwrite an existing file")
    p.set_defaults(handler=cmd_catalogue_import)

    for register in _role_commands():
        register(sub, common)
    return parser


def _role_commands() -> list[Callable[[Any, argparse.ArgumentParser], None]]:
    """Commands contributed by the role packages (GUI imports stay lazy inside them)."""
    registers: list[Callable[[Any, argparse.ArgumentParser], None]] = []
    import importlib

    for module in (
        "kiosk.app.command",
        "display.command",
        "kiosk.counter.command",
        "kiosk.rate.command",
        "kiosk.reports.command",
        "kiosk.manager.command",
        "kiosk.web.command",
        "kiosk.central.command",
        "kiosk.sync.command",
        "kiosk.demo",
    ):
        try:
            mod = importlib.import_module(module)
        except ModuleNotFoundError as exc:
            # The role (or its package) is not installed: its commands are simply absent.
            if exc.name is None or not module.startswith(exc.name):
                raise
            continue
        registers.append(mod.register)
    return registers


def _configure_logging(verbose: bool) -> None:
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )


#: Commands that answer in one short step. Once one has answered, `run` ends the process at
#: once: freeing the interpreter (every module, SQLAlchemy's objects) took about 45 ms, as
#: long as the command's own work. Their files are written and their output flushed by then.
QUICK = frozenset(
    {"issue", "call", "recall", "skip", "start", "complete", "transfer", "return", "open"}
    | {"pause", "close", "status", "events", "config", "catalogue"}
)


def run() -> NoReturn:
    """The `kiosk` program (console script, `python -m kiosk`, the bundle): `main`, then exit."""
    ctx_holder: list[Context] = []
    code = main(on_context=ctx_holder.append)
    if ctx_holder and ctx_holder[0].command in QUICK:
        for ctx in ctx_holder:
            if ctx._service is not None:
                ctx._service.store.close()  # PostgreSQL sees a clean goodbye, not a reset
        logging.shutdown()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    sys.exit(code)


def main(
    argv: Sequence[str] | None = None, *, on_context: Callable[[Context], None] | None = None
) -> int:
    from kiosk.arguments import UsageError, usage_language

    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except UsageError as exc:
        words = sys.argv[1:] if argv is None else argv
        print(f"kiosk: {exc.message(usage_language(words))}", file=sys.stderr)
        return exc.exit_code
    _configure_logging(args.verbose)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    lang = args.lang or os.environ.get("KIOSK_LANG", "en")
    ctx = Context(args.config, args.db, json=args.json, lang=lang if lang in ("vi", "en") else "en")
    ctx.command = args.command
    if on_context is not None:
        on_context(ctx)
    try:
        return int(args.handler(ctx, args))
    except KioskError as exc:
        print(f"kiosk: {exc.message(ctx.lang)}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("kiosk: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


def today_local(ctx: Context) -> date:
    """Today in the site's zone (used by export/report defaults)."""
    return datetime.now(ctx.config.zone).date()


if __name__ == "__main__":
    run()
