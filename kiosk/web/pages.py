"""HTML of the pages: one renderer serves the first load, the no-JavaScript refresh and the
live updates (the event stream sends the same fragments, which the page swaps in)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from html import escape
from typing import Any

from kiosk import __version__
from kiosk.central.city import City, CityPoint, PointStatus
from kiosk.core.alerts import Alert
from kiosk.core.catalogue import Procedure
from kiosk.core.config import Config
from kiosk.core.model import CounterState, Snapshot, TicketState, TicketView
from kiosk.core.ratings import (
    FACE_COLOURS,
    FACE_CURVES,
    PROMPT,
    SEND,
    THANKS,
    WHY,
    RatingLevel,
)
from kiosk.core.texts import ESTIMATED_WAIT, PEOPLE_AHEAD, wait_text
from kiosk.core.wording import number, plain
from kiosk.web.texts import TEXTS

#: Refresh period of pages opened without JavaScript.
NO_SCRIPT_REFRESH_SECONDS = 15


def _t(lang: str, key: str, **values: Any) -> str:
    return TEXTS[key].get(lang, **values)


def _e(value: object) -> str:
    return escape(str(value), quote=True)


def shell(
    config: Config,
    *,
    lang: str,
    title: str,
    body: str,
    kind: str,
    stream: str = "",
    alert: str = "",
    path: str = "/",
    sound: bool = False,
    refresh: bool = True,
    heading: str | None = None,
    footer: str | None = None,
) -> str:
    """A whole page: header with the language switch (`heading`, default the point's name),
    the live fragment, the footer (default the point's hotlines)."""
    other = "en" if lang == "vi" else "vi"
    site = heading or (config.site.name if lang == "vi" else config.site.name_en)
    refresh_tag = (
        f'<noscript><meta http-equiv="refresh" content="{NO_SCRIPT_REFRESH_SECONDS}"></noscript>'
        if refresh
        else ""
    )
    sound_button = (
        f'<button id="sound" class="sound" type="button" hidden '
        f'data-on="{_e(_t(lang, "sound_is_on"))}">{_e(_t(lang, "sound_on"))}</button>'
        if sound
        else ""
    )
    if footer is None:
        footer = f"{_t(lang, 'hotline')}: {' – '.join(config.site.hotlines)}"
    return (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f'<meta name="referrer" content="no-referrer"><title>{_e(title)}</title>'
        f'<link rel="stylesheet" href="/static/web.css?v={__version__}">{refresh_tag}'
        f'<script src="/static/live.js?v={__version__}" defer></script></head>'
        f'<body class="{kind}" data-stream="{_e(stream)}" data-alert="{_e(alert)}">'
        f'<header class="top"><span class="site">{_e(site)}</span>'
        f'<a class="lang" href="{_e(path)}?lang={other}" hreflang="{other}">'
        f"{_e(_t(lang, 'other_lang'))}</a></header>"
        f'<main id="live" aria-live="polite">{body}</main>{sound_button}'
        f'<p id="conn" class="conn" hidden>{_e(_t(lang, "reconnecting"))}</p>'
        f'<footer class="foot">{_e(footer)}</footer>'
        "</body></html>"
    )


def _down(lang: str, available: bool) -> str:
    return "" if available else f'<p class="down" role="alert">{_e(_t(lang, "unavailable"))}</p>'


# ---------------------------------------------------------------------------- ticket page


@dataclass(frozen=True)
class Fragment:
    """What a live page swaps in, and the key of the call it announces ("" when none)."""

    html: str
    alert: str = ""


def ticket_fragment(
    config: Config,
    view: TicketView,
    lang: str,
    *,
    available: bool,
    procedure: Procedure | None = None,
    rating_open: bool = False,
) -> Fragment:
    """The ticket page's content for the ticket's state, in `lang`; with `procedure` (the
    catalogue's entry for the ticket's procedure), its checklist while the ticket is live;
    with `rating_open` (completed, not rated, within the window), the four faces."""
    t = view.ticket
    f = config.field(t.field)
    field_name = (f.name if lang == "vi" else f.name_en) if f else t.field
    head = (
        f'<p class="label">{_e(_t(lang, "your_number"))}</p>'
        f'<p class="code">{_e(t.code)}</p><p class="field">{_e(field_name)}</p>'
        + (f'<p class="badge">{_e(_t(lang, "priority"))}</p>' if t.priority else "")
    )
    alert = ""
    if view.expired:
        state = "expired"
        body = _message(lang, "expired", "expired_hint", day=f"{t.business_day:%d/%m/%Y}")
    elif t.state is TicketState.WAITING:
        state = "waiting"
        # The kiosk's and the ticket's words: no counter open yet, under a minute, about.
        wait = wait_text(None if view.counters_open == 0 else view.estimated_wait_minutes, lang)
        body = (
            f'<p class="status">{_e(_t(lang, "waiting"))}</p>'
            f'<dl class="facts"><div><dt>{_e(PEOPLE_AHEAD.get(lang))}</dt>'
            f'<dd class="ahead">{view.people_ahead or 0}</dd></div>'
            f"<div><dt>{_e(ESTIMATED_WAIT.get(lang))}</dt>"
            f'<dd class="wait">{_e(wait)}</dd></div></dl>'
            + (
                f'<p class="hint">{_e(_t(lang, "to_counter", n=t.target_counter))}</p>'
                if t.target_counter
                else ""
            )
            + f'<p class="hint">{_e(_t(lang, "waiting_hint"))}</p>'
        )
    elif t.state is TicketState.CALLED:
        state = "called"
        alert = f"{t.id}:{(t.last_called_at or t.called_at or t.issued_at).isoformat()}"
        recall = f'<p class="recall">{_e(_t(lang, "recall", n=t.recalls))}</p>' if t.recalls else ""
        body = (
            f'<p class="call" role="alert">{_call_words(lang, t.code, t.counter)}</p>{recall}'
            f'<p class="hint">{_e(_t(lang, "call_hint", n=t.counter))}</p>'
        )
    elif t.state is TicketState.SERVING:
        state = "serving"
        body = _message(lang, "serving", "serving_hint", n=t.counter)
    elif t.state is TicketState.SKIPPED:
        state = "skipped"
        body = _message(lang, "skipped", "skipped_hint", code=t.code)
    else:
        state = "completed"
        body = _message(lang, "completed", "completed_hint")
    live = state in ("waiting", "called", "serving")
    checklist = _checklist(lang, t.procedure, procedure) if live and t.procedure else ""
    rating = _rating(config, view, lang, rating_open) if state == "completed" else ""
    html = (
        f'{_down(lang, available)}<section class="ticket st-{state}" data-state="{state}">'
        f"{head}{body}</section>{checklist}{rating}"
    )
    return Fragment(html, alert)


def _level_label(config: Config, level: str, lang: str) -> str:
    i = [v.value for v in RatingLevel].index(level)
    return (config.ratings.labels if lang == "vi" else config.ratings.labels_en)[i]


def _rating(config: Config, view: TicketView, lang: str, rating_open: bool) -> str:
    """After the service: the four faces (a form: works without JavaScript), or the thanks
    once rated; nothing when the time to rate has passed."""
    t = view.ticket
    if t.rating is not None:
        return (
            f'<section class="rating done"><p class="status">{_e(THANKS.get(lang))}</p>'
            f'<p class="hint">{_e(_level_label(config, t.rating, lang))}</p></section>'
        )
    if not rating_open or not t.page_token:
        return ""
    faces = "".join(
        f'<button class="face f{i}" name="level" value="{level.value}">{_face_svg(i)}'
        f"{_e(_level_label(config, level.value, lang))}</button>"
        for i, level in enumerate(RatingLevel)
    )
    return (
        f'<section class="rating"><h2>{_e(PROMPT.get(lang))}</h2>'
        f'<form method="post" action="/t/{_e(t.page_token)}/rate?lang={lang}" class="faces">'
        f"{faces}</form></section>"
    )


def _face_svg(i: int) -> str:
    """Face `i` as inline SVG, drawn as the counter's screen draws it (no image to load)."""
    mouth, dip = 66, 66 + FACE_CURVES[i] * 22
    ink = 'fill="#1B1B1B"'
    return (
        '<svg class="dot" viewBox="0 0 100 100" aria-hidden="true">'
        f'<circle cx="50" cy="50" r="46" fill="{FACE_COLOURS[i]}" stroke="#fff" stroke-width="4"/>'
        f'<circle cx="35" cy="38" r="7" {ink}/><circle cx="65" cy="38" r="7" {ink}/>'
        f'<path d="M28 {mouth} Q50 {dip:g} 72 {mouth}" stroke="#1B1B1B" stroke-width="6" '
        'fill="none" stroke-linecap="round"/></svg>'
    )


def reasons_body(config: Config, token: str, level: str, lang: str) -> str:
    """After a low level: the reasons to tick (optional), then Send (records the rating)."""
    reasons = config.ratings.reasons if lang == "vi" else config.ratings.reasons_en
    boxes = "".join(
        f'<label class="reason"><input type="checkbox" name="reason" value="{_e(vi)}"> '
        f"{_e(shown)}</label>"
        for vi, shown in zip(config.ratings.reasons, reasons, strict=True)
    )
    return (
        f'<section class="rating"><h2>{_e(WHY.get(lang))}</h2>'
        f'<form method="post" action="/t/{_e(token)}/rate?lang={lang}" class="reasons">'
        f'<input type="hidden" name="level" value="{_e(level)}">'
        f'<input type="hidden" name="final" value="1">{boxes}'
        f'<button class="send">{_e(SEND.get(lang))}</button></form></section>'
    )


def _checklist(lang: str, key: str, procedure: Procedure | None) -> str:
    """What to have in hand at the counter: the procedure, its documents, fee and time (the
    key alone when the catalogue no longer has it)."""
    if procedure is None:
        return f'<section class="checklist"><p class="procedure">{_e(key)}</p></section>'
    items = "".join(f"<li>{_e(d.label(lang))}</li>" for d in procedure.documents)
    return (
        f'<section class="checklist"><h2>{_e(_t(lang, "bring"))}</h2>'
        f'<p class="procedure">{_e(procedure.title(lang))}</p><ul>{items}</ul>'
        f'<p class="hint">{_e(_t(lang, "fee"))}: {_e(procedure.fee(lang))}<br>'
        f"{_e(_t(lang, 'processing'))}: {_e(procedure.time(lang))}</p></section>"
    )


def _call_words(lang: str, code: str, counter: int | None) -> str:
    """ "Mời số <b>A105</b> đến quầy <b>3</b>": the number and counter stand out."""
    text = _e(_t(lang, "call", code="\x00", n="\x01"))
    return text.replace("\x00", f"<b>{_e(code)}</b>").replace("\x01", f"<b>{counter}</b>")


def _message(lang: str, title: str, hint: str, **values: Any) -> str:
    return (
        f'<p class="status">{_e(_t(lang, title, **values))}</p>'
        f'<p class="hint">{_e(_t(lang, hint, **values))}</p>'
    )


def refusal(message: str) -> str:
    """A refusal of the rules, in one line above the page's content."""
    return f'<p class="down" role="alert">{_e(message)}</p>'


def notice_body(lang: str, key: str) -> str:
    """A one-line page body (e.g. "too many requests")."""
    return f'<p class="status">{_e(_t(lang, key))}</p>'


def unknown_ticket_body(lang: str) -> str:
    return (
        f'<section class="ticket st-unknown" data-state="unknown">'
        f"{_message(lang, 'unknown', 'unknown_hint')}</section>"
    )


def unavailable_body(lang: str) -> str:
    return _down(lang, False)


# ---------------------------------------------------------------------------- board


def board_fragment(config: Config, snap: Snapshot, lang: str, *, available: bool) -> Fragment:
    """The wall display as a page: the newest call large, counters, recent calls, queues."""
    zone = config.zone
    now = snap.at.astimezone(zone)
    calls = snap.recent_calls
    if calls:
        c = calls[0]
        big = _e(_t(lang, "board_call", code="\x00", n="\x01"))
        big = big.replace("\x00", f"<b>{_e(c.code)}</b>").replace("\x01", f"<b>{c.counter}</b>")
        other = "en" if lang == "vi" else "vi"
        now_call = (
            f'<p class="bigcall" role="alert">{big}</p>'
            f'<p class="bigcall-alt">{_e(_t(other, "call", code=c.code, n=c.counter))}</p>'
        )
        alert = str(c.event_id)
    else:
        now_call = f'<p class="bigcall idle">{_e(_t(lang, "no_call"))}</p>'
        alert = ""
    tiles = []
    for counter in snap.counters:
        code = counter.ticket.code if counter.ticket else "—"
        state = counter.state.value
        note = ""
        if counter.state is CounterState.PAUSED:
            note = f'<span class="note">{_e(_t(lang, "paused"))}</span>'
        elif counter.state is CounterState.CLOSED and not counter.ticket:
            note = f'<span class="note">{_e(_t(lang, "closed"))}</span>'
        tiles.append(
            f'<div class="tile c-{state}"><span class="n">'
            f"{_e(_t(lang, 'counter', n=counter.number))}</span>"
            f'<span class="c">{_e(code)}</span>{note}</div>'
        )
    recent = "".join(
        f"<li><b>{_e(c.code)}</b> → {_e(_t(lang, 'counter', n=c.counter))}</li>" for c in calls[1:7]
    )
    queues = "".join(
        f"<li><span>{_e(f.name if lang == 'vi' else f.name_en)}</span><b>{f.waiting}</b></li>"
        for f in snap.fields
    )
    html = (
        f'{_down(lang, available)}<div class="board">'
        f'<p class="clock" data-clock>{now:%H:%M}  {now:%d/%m/%Y}</p>'
        f'<section class="now">{now_call}</section>'
        f'<section class="tiles">{"".join(tiles)}</section>'
        f'<section class="lists"><div><h2>{_e(_t(lang, "recent"))}</h2><ol>{recent}</ol></div>'
        f'<div><h2>{_e(_t(lang, "queue"))}</h2><ul class="queues">{queues}</ul></div></section>'
        "</div>"
    )
    return Fragment(html, alert)


# ---------------------------------------------------------------------------- dashboard


def _minutes(lang: str, seconds: float | None) -> str:
    if seconds is None:
        return "—"
    return _t(lang, "minutes", n=int(seconds // 60))  # whole minutes, as the alerts count


def manage_fragment(
    config: Config,
    snap: Snapshot,
    summary: Any,
    alerts: list[Alert],
    lang: str,
    *,
    available: bool,
) -> Fragment:
    """The head's live dashboard: today's numbers, alerts, queues and counters."""
    zone = config.zone
    now = snap.at
    tiles = [
        (_t(lang, "citizens"), str(summary.tickets) if summary else "0"),
        (_t(lang, "dossiers"), str(summary.dossiers) if summary else "0"),
        (_t(lang, "wait_p50"), _minutes(lang, summary.wait_p50 if summary else None)),
        (_t(lang, "wait_p90"), _minutes(lang, summary.wait_p90 if summary else None)),
    ]
    kpis = "".join(f"<div><span>{_e(k)}</span><b>{_e(v)}</b></div>" for k, v in tiles)
    alert_items = "".join(f"<li>{_e(a.message(lang))}</li>" for a in alerts)
    alerts_html = (
        f'<ul class="alerts" role="alert">{alert_items}</ul>'
        if alerts
        else f'<p class="ok">{_e(_t(lang, "no_alerts"))}</p>'
    )
    field_rows = "".join(
        f"<tr><td>{_e(f.name if lang == 'vi' else f.name_en)}</td><td>{f.waiting}</td>"
        f"<td>{_e(_minutes(lang, _since(now, f.oldest_waiting_at)))}</td></tr>"
        for f in snap.fields
    )
    counter_rows = []
    for c in snap.counters:
        state = {
            CounterState.OPEN: _t(lang, "open"),
            CounterState.PAUSED: _t(lang, "paused"),
            CounterState.CLOSED: _t(lang, "closed"),
        }[c.state]
        if c.since is not None and c.state is not CounterState.OPEN:
            state += " " + _t(lang, "since", t=f"{c.since.astimezone(zone):%H:%M}")
        if c.reason:
            state += f" ({c.reason})"
        counter_rows.append(
            f'<tr class="c-{c.state.value}"><td>{c.number}</td><td>{_e(state)}</td>'
            f"<td>{_e(c.ticket.code if c.ticket else '—')}</td><td>{c.served_today}</td></tr>"
        )
    html = (
        f'{_down(lang, available)}<div class="dash">'
        f'<p class="clock">{now.astimezone(zone):%H:%M %d/%m/%Y}</p>'
        f'<section class="kpis">{kpis}</section>'
        f"<section><h2>{_e(_t(lang, 'alerts'))}</h2>{alerts_html}</section>"
        f'<div class="tables"><section><table><thead><tr><th>{_e(_t(lang, "field"))}</th>'
        f"<th>{_e(_t(lang, 'queue'))}</th><th>{_e(_t(lang, 'longest'))}</th></tr></thead>"
        f"<tbody>{field_rows}</tbody></table></section>"
        f"<section><table><thead><tr><th>{_e(_t(lang, 'counters'))}</th>"
        f"<th>{_e(_t(lang, 'state'))}</th><th>{_e(_t(lang, 'ticket'))}</th>"
        f"<th>{_e(_t(lang, 'served'))}</th></tr></thead>"
        f"<tbody>{''.join(counter_rows)}</tbody></table></section></div>"
        f'<form method="post" action="/manage/logout"><button type="submit">'
        f"{_e(_t(lang, 'logout'))}</button></form></div>"
    )
    return Fragment(html)


def _since(now: datetime, moment: datetime | None) -> float | None:
    return None if moment is None else max(0.0, (now - moment).total_seconds())


def login_body(
    lang: str,
    *,
    message: str = "",
    enabled: bool = True,
    action: str = "/manage/login",
    title: str = "title_manage",
) -> str:
    """The password form of /manage (or why it is off); of /city with its `action`, `title`."""
    if not enabled:
        return f'<p class="status">{_e(_t(lang, "manage_off"))}</p>'
    note = f'<p class="error" role="alert">{_e(message)}</p>' if message else ""
    return (
        f'<form class="login" method="post" action="{_e(action)}?lang={lang}">'
        f"<h1>{_e(_t(lang, title))}</h1>{note}"
        f'<label for="pw">{_e(_t(lang, "password"))}</label>'
        '<input id="pw" name="password" type="password" autocomplete="current-password" '
        'required maxlength="200" autofocus>'
        f'<button type="submit">{_e(_t(lang, "login"))}</button></form>'
    )


# ---------------------------------------------------------------------------- city (centre)


def ago_text(lang: str, seconds: float | None) -> str:
    """ "vừa xong", "12 phút trước", "3 giờ trước", "2 ngày trước"; "chưa bao giờ" for None."""
    if seconds is None:
        return _t(lang, "never")
    if seconds < 60:
        return _t(lang, "just_now")
    if seconds < 3600:
        return _t(lang, "minutes_ago", n=int(seconds // 60))
    if seconds < 48 * 3600:
        return _t(lang, "hours_ago", n=int(seconds // 3600))
    return _t(lang, "days_ago", n=int(seconds // 86400))


_STATUS_TEXT = {
    PointStatus.QUIET: "st_quiet",
    PointStatus.NEVER: "st_never",
    PointStatus.OPEN: "st_open",
    PointStatus.CLOSED: "st_closed",
}
#: From this many points the list is cut in two tables, side by side on a wide screen.
SPLIT_FROM = 24


def city_fragment(
    city: City | None,
    lang: str,
    zone: tzinfo,
    *,
    available: bool,
    read_at: datetime | None,
    now: datetime,
) -> Fragment:
    """The centre's live page: the city's totals, then every point (quiet ones first).
    `read_at` is when `city` was read; while the centre is away it says how old that is."""
    down = ""
    if not available:
        if city is None or read_at is None:
            return Fragment(_down(lang, False))
        age = ago_text(lang, max(0.0, (now - read_at).total_seconds()))
        stale = _t(lang, "city_stale", t=f"{read_at.astimezone(zone):%H:%M %d/%m/%Y}", ago=age)
        down = f'<p class="down" role="alert">{_e(stale)}</p>'
    if city is None:
        return Fragment(f'<p class="status">{_e(_t(lang, "city_loading"))}</p>')
    total = city.totals
    longest = total.longest_wait_minutes
    tiles = [
        ("quiet" if total.quiet else "", _t(lang, "points_quiet"), number(total.quiet, lang)),
        ("", _t(lang, "points_open"), _of(total.open, total.points, lang)),
        ("", _t(lang, "people_waiting"), number(total.waiting, lang)),
        ("", _t(lang, "longest"), "—" if longest is None else _t(lang, "minutes", n=longest)),
        ("", _t(lang, "counters_open"), _of(total.counters_open, total.counters, lang)),
        ("", _t(lang, "tickets_today"), number(total.issued_today, lang)),
    ]
    kpis = "".join(
        f'<div class="{cls}"><span>{_e(k)}</span><b>{_e(v)}</b></div>' for cls, k, v in tiles
    )
    points = city.points
    halves = [points] if len(points) < SPLIT_FROM else [points[: (len(points) + 1) // 2]]
    if len(halves[0]) < len(points):
        halves.append(points[len(halves[0]) :])
    names = short_names([p.name_in(lang) for p in points])
    shown = dict(zip((p.site for p in points), names, strict=True))
    tables = "".join(_points_table(half, shown, lang) for half in halves)
    legend = _t(lang, "quiet_legend", n=plain(city.quiet_minutes, lang))
    updated = _t(lang, "updated", t=f"{city.at.astimezone(zone):%H:%M:%S %d/%m/%Y}")
    html = (
        f'{down}<div class="city"><h1>{_e(_t(lang, "title_city"))}</h1>'
        f'<p class="clock">{_e(updated)}</p>'
        f'<section class="kpis city-kpis">{kpis}</section>'
        f'<p class="legend">{_e(legend)}</p><div class="cols">{tables}</div></div>'
    )
    return Fragment(html)


def _of(part: int, whole: int, lang: str) -> str:
    return f"{number(part, lang)}/{number(whole, lang)}"


def short_names(names: Sequence[str]) -> list[str]:
    """The names without the words every one of them starts with ("Điểm phục vụ hành chính
    công phường An Hà" → "Phường An Hà" when all say "Điểm phục vụ hành chính công"), so a
    long list reads by what tells the points apart."""
    words = [n.split() for n in names]
    if len(words) < 2:
        return list(names)
    common = 0
    while all(len(w) > common + 1 for w in words) and len({w[common] for w in words}) == 1:
        common += 1
    return [" ".join(w[common:])[:1].upper() + " ".join(w[common:])[1:] for w in words]


def _points_table(points: Sequence[CityPoint], shown: dict[str, str], lang: str) -> str:
    heads = [
        ("name", _t(lang, "point")),
        ("st", _t(lang, "state")),
        ("num", _t(lang, "waiting")),
        ("num", _t(lang, "longest")),
        ("num", _t(lang, "counters_open")),
        ("num", _t(lang, "tickets_today")),
        ("num", _t(lang, "received")),
    ]
    head = "".join(f'<th class="{cls}" scope="col">{_e(label)}</th>' for cls, label in heads)
    labels = [label for _, label in heads]
    rows = []
    for p in points:
        longest = p.longest_wait_minutes
        problem = (
            f'<small class="problem">{_e(_t(lang, "config_problem"))}</small>' if p.problem else ""
        )
        cells = [
            ("name", f'<span title="{_e(p.name_in(lang))}">{_e(shown[p.site])}</span>{problem}'),
            ("st", _e(_t(lang, _STATUS_TEXT[p.status]))),
            ("num", _e(number(p.waiting, lang))),
            (
                "num over" if p.over_target else "num",
                "—" if longest is None else _e(_t(lang, "minutes", n=longest)),
            ),
            ("num", _of(p.counters_open, p.counters, lang)),
            ("num", _e(number(p.issued_today, lang))),
            ("num", _e(ago_text(lang, p.received_seconds_ago))),
        ]
        tds = "".join(
            f'<td class="{cls}" data-label="{_e(label)}">{html}</td>'
            for (cls, html), label in zip(cells, labels, strict=True)
        )
        rows.append(f'<tr class="p-{p.status.value}" data-site="{_e(p.site)}">{tds}</tr>')
    return (
        f'<table class="points"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )
