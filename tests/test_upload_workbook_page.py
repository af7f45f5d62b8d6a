"""An analyst's pages: the Upload page hands over their semester workbook (their beneficiary's rows only), and
the Beneficiary page opens on their own beneficiary."""

from __future__ import annotations

import io

import openpyxl
import pytest

from indicators.access.identity import Identity
from indicators.ingest import default_store
from indicators.present.template import SHEET_COLUMN
from tests.test_pages import app, downloaded, no_errors

ADMIN = Identity("tests", "admin", "cli")
ANALYST = "ana.mne@example.org"


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """The demo in a store of its own, with an analyst for Montenegro and a manager."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PPD_STORE_DIR", str(tmp_path_factory.mktemp("store")))
        seeded = default_store()
        seeded.accounts.add(ADMIN, ANALYST, "analyst", ("MNE",), password="a long passphrase")
        seeded.accounts.add(ADMIN, "manager@example.org", "manager", password="a long passphrase")
        yield seeded


def test_an_analyst_downloads_the_workbook_of_their_beneficiary(store) -> None:
    at = app(None, email=ANALYST)
    at.switch_page("pages/upload.py").run()
    no_errors(at)
    picker = at.selectbox(key="workbook_semester")
    assert picker.value == "2026NovS2" and picker.format_func(picker.value) == "May 2026 – Oct 2026"
    assert not [h for h in at.get("html") if "ppdDownloads" in h.proto.body], "nothing is sent before the click"
    at.button(key="semester_workbook").click().run()
    no_errors(at)
    ws = openpyxl.load_workbook(io.BytesIO(downloaded(at))).worksheets[1]
    beneficiaries = {ws.cell(r, SHEET_COLUMN["beneficiary"]).value for r in range(2, ws.max_row + 1)}
    assert beneficiaries == {"MNE"} and ws.max_row == 26


def test_the_beneficiary_page_opens_on_the_analysts_own(store) -> None:
    at = app(None, email=ANALYST)
    at.switch_page("pages/beneficiary.py").run()
    no_errors(at)
    assert at.sidebar.selectbox(key="beneficiary").value == "MNE"
    assert "Montenegro" in at.title[0].value
    manager = app(None, email="manager@example.org")
    manager.switch_page("pages/beneficiary.py").run()
    assert manager.sidebar.selectbox(key="beneficiary").value == "ALB", "others open on the first, as before"


def test_the_same_workbook_again_offers_its_uploader_the_draft_to_submit(store) -> None:
    # the draft was stored in an earlier session (its page left before Submit): only the Upload page submits
    from tests.test_pages import texts

    first = app(None, email=ANALYST)
    first.switch_page("pages/upload.py").run()
    first.button(key="semester_workbook").click().run()
    book = openpyxl.load_workbook(io.BytesIO(downloaded(first)))
    book.worksheets[1].cell(2, SHEET_COLUMN["value"]).value = 1  # IND-01, Montenegro: one incident
    buffer = io.BytesIO()
    book.save(buffer)
    workbook = buffer.getvalue()
    first.switch_page("pages/upload.py").run()
    first.file_uploader[0].set_value(("draft.xlsx", workbook, "application/octet-stream")).run()
    version = store.versions().query("status == 'draft'")["id"].iloc[-1]
    other = app(None, email="manager@example.org")
    other.switch_page("pages/upload.py").run()
    other.file_uploader[0].set_value(("draft.xlsx", workbook, "application/octet-stream")).run()
    assert not [b for b in other.button if b.label.startswith("Submit version")], "not someone else's draft"
    again = app(None, email=ANALYST)
    again.switch_page("pages/upload.py").run()
    again.file_uploader[0].set_value(("draft.xlsx", workbook, "application/octet-stream")).run()
    no_errors(again)
    assert f"already stored as version {version}" in texts(again)
    next(b for b in again.button if b.label == f"Submit version {version} for review").click().run()
    no_errors(again)
    assert store.status(version) == "submitted"
