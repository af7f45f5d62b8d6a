"""Report packs for visitors who are not signed in (PUBLIC_DONOR_VIEW): built once, served from the store.

A pack costs seconds of CPU (charts, PDF layout). For public visitors each file is built once per approved
version, semester, audience (always the donor edition for them), language and format, kept as the store's
document ``reports/<approved version>/<semester>-<audience>-<language>.<format>`` (with its name and type in
a ``.json`` beside it), and from then on served from the store, on every server: two visitors asking at once
wait for one build (the store's lock per pack). A new approval makes new files (the old version's stay as
a record of what was published).

Per client, a visitor may ask for at most PUBLIC_REPORTS_PER_HOUR packs an hour (served or built), counted
in the store like the sign-in throttle (``indicators/access/sessions.py``): beyond it the request is refused
with the minutes to wait. Signed-in people are not limited here (their role's pages are).
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable, Iterable

from indicators.domain.i18n import _
from indicators.domain.problems import ProjectError
from indicators.domain.settings import setting_int
from indicators.present.reports import Report
from indicators.store import Store

WINDOW_S = 3600.0


class TooManyRequests(ProjectError):
    """A visitor asked for more packs than the hour allows; the message says how long to wait."""


def document_name(approved: str, semester: str, audience: str, language: str, fmt: str) -> str:
    """Where one file of a public pack is kept among the store's documents."""
    return f"reports/{approved}/{semester}-{audience}-{language}.{fmt}"


def _kept(store: Store, name: str, fmt: str, audience: str) -> Report | None:
    data, about = store.backend.read_document(name), store.backend.read_document(name + ".json")
    if data is None or about is None:
        return None
    meta = json.loads(about)
    return Report(fmt, audience, meta["file_name"], meta["mime"], data, 0.0)


def count_request(store: Store, client: str, now: float | None = None) -> None:
    """Count one pack asked for by a client in the store; ``TooManyRequests`` beyond the hour's allowance."""
    limit = setting_int("PUBLIC_REPORTS_PER_HOUR")
    key = f"reports:{client}"
    now = time.time() if now is None else now
    with store.backend.locked("throttle"):
        count, since = store.backend.throttle_read([key]).get(key, (0, now))
        if now - since >= WINDOW_S:
            count, since = 0, now
        if count >= limit:
            minutes = math.ceil((since + WINDOW_S - now) / 60)
            raise TooManyRequests(
                _(
                    "Report packs are limited to {limit} an hour for visitors who are not signed in: try again in "
                    "{minutes} minutes."
                ).format(limit=limit, minutes=minutes)
            )
        store.backend.throttle_write({key: (count + 1, since)})


def public_pack(
    store: Store,
    semester: str,
    audience: str,
    formats: Iterable[str],
    language: str,
    client: str,
    build: Callable[[list[str]], list[Report]],
) -> list[Report]:
    """The pack for a public visitor: each file from the store, or built once with ``build(formats)`` and kept."""
    count_request(store, client)
    approved = store.approved_id() or "none"
    formats = list(formats)
    names = {fmt: document_name(approved, semester, audience, language, fmt) for fmt in formats}
    found = {fmt: _kept(store, names[fmt], fmt, audience) for fmt in formats}
    missing = [fmt for fmt in formats if found[fmt] is None]
    if missing:
        with store.locked(f"reports-{approved}-{semester}-{audience}-{language}"):
            found |= {fmt: _kept(store, names[fmt], fmt, audience) for fmt in missing}  # another visitor's build
            missing = [fmt for fmt in formats if found[fmt] is None]
            for report in build(missing) if missing else []:
                name = names[report.format]
                store.backend.write_document(name, report.data, counted=False)
                about = {"file_name": report.file_name, "mime": report.mime, "seconds": round(report.seconds, 2)}
                store.backend.write_document(name + ".json", json.dumps(about).encode(), counted=False)
                found[report.format] = report
    return [found[fmt] for fmt in formats if found[fmt] is not None]
