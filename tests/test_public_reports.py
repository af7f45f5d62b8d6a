"""Report packs for public visitors: each file built once per approved version, semester, audience and language,
then served from the store on every server; at most PUBLIC_REPORTS_PER_HOUR packs an hour per client."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from indicators.present.reports import Report
from indicators.public_reports import TooManyRequests, count_request, document_name, public_pack
from indicators.store import Store
from tests.test_cli_backends import location  # noqa: F401 - the fixture: the demo on a folder or in a database


class Builds:
    """A stand-in for the pack's builder that counts what it is asked to build (slowly, as the real one is)."""

    def __init__(self) -> None:
        self.asked: list[list[str]] = []

    def __call__(self, formats: list[str]) -> list[Report]:
        self.asked.append(list(formats))
        time.sleep(0.3)
        return [
            Report(f, "donor", f"pack.{f}", "application/octet-stream", f"{f} bytes".encode(), 0.3) for f in formats
        ]


def test_each_file_is_built_once_and_served_from_the_store_on_every_server(location: str | Path) -> None:  # noqa: F811
    builds = Builds()
    one, two = Store(location), Store(location)  # two servers of the same store
    first = public_pack(one, "2026NovS2", "donor", ["pdf", "xlsx"], "en", "198.51.100.1", builds)
    again = public_pack(two, "2026NovS2", "donor", ["xlsx", "pdf"], "en", "198.51.100.2", builds)
    assert builds.asked == [["pdf", "xlsx"]]
    assert [r.data for r in again] == [b"xlsx bytes", b"pdf bytes"] and [r.file_name for r in first] == [
        "pack.pdf",
        "pack.xlsx",
    ]
    public_pack(two, "2026NovS2", "donor", ["pdf", "iati"], "fr", "198.51.100.2", builds)  # French: its own
    public_pack(two, "2025NovS1", "donor", ["pdf"], "en", "198.51.100.2", builds)  # another semester: its own
    assert builds.asked[1:] == [["pdf", "iati"], ["pdf"]]
    approved = one.approved_id()
    assert one.backend.read_document(document_name(approved, "2026NovS2", "donor", "en", "pdf")) == b"pdf bytes"


def test_two_visitors_at_once_wait_for_one_build(location: str | Path) -> None:  # noqa: F811
    builds = Builds()
    results: list[list[Report]] = []

    def visit(client: str) -> None:
        results.append(public_pack(Store(location), "2026NovS2", "donor", ["pdf"], "en", client, builds))

    threads = [threading.Thread(target=visit, args=(f"203.0.113.{n}",)) for n in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert builds.asked == [["pdf"]] and [r[0].data for r in results] == [b"pdf bytes"] * 3


def test_a_client_gets_a_few_packs_an_hour_and_others_are_not_held_up(
    location: str | Path,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PPD_PUBLIC_REPORTS_PER_HOUR", "3")
    store, now = Store(location), 2_000_000.0
    for _ in range(3):
        count_request(store, "198.51.100.7", now)
    with pytest.raises(TooManyRequests, match="limited to 3 an hour.*60 minutes"):
        count_request(store, "198.51.100.7", now)
    count_request(store, "198.51.100.8", now)  # another visitor
    count_request(store, "198.51.100.7", now + 3601)  # an hour later


def test_public_visitors_on_the_reports_page_get_the_pack_from_the_store(
    demo_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two visitors who are not signed in ask for the donor pack: it is built for the first, served to the second."""
    from streamlit.testing.v1 import AppTest

    from tests.test_pages import APP, TIMEOUT, built
    from ui import data

    monkeypatch.setenv("PPD_PUBLIC_DONOR_VIEW", "1")
    made = []
    real = data.build_pack
    monkeypatch.setattr(data, "build_pack", lambda *args, **kwargs: made.append(args[3]) or real(*args, **kwargs))
    labels = []
    for _ in range(2):
        at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
        at.switch_page("pages/reports.py").run()
        labels.append(built(at, ["xlsx"]))
    assert made == [["xlsx"]] and labels[0] == labels[1] and len(labels[0]) == 1
    assert [d for d in demo_store.backend.document_names("reports/") if d.endswith(".xlsx")]
