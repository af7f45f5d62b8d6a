"""Every role x every store and ingest action: allowed, or refused with a sentence that says who may, and a
refused action changes nothing stored but the log (which records the refusal)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from indicators.access.identity import PUBLIC, Identity
from indicators.access.roles import PermissionRefused
from indicators.domain.schema import Programme
from indicators.ingest import ingest
from indicators.present.template import write_workbook
from indicators.store import Store
from tests.badfiles import xlsx_from_rows
from tests.factories import small_programme

UPLOADER = Identity("uploader@example.org", "analyst", "local")
PEOPLE = {
    "analyst": Identity("ana@example.org", "analyst", "local"),
    "manager": Identity("marko@example.org", "manager", "oidc"),
    "donor": Identity("dora@example.org", "donor", "local"),
    "admin": Identity("root@example.org", "admin", "local"),
    "no role": Identity("new@example.org", None, "oidc"),
    "public": PUBLIC,
}
ROLE_PHRASE = {
    "analyst": "ana@example.org is signed in as an analyst.",
    "manager": "marko@example.org is signed in as a programme manager.",
    "donor": "dora@example.org is signed in as a donor.",
    "admin": "root@example.org is signed in as an administrator.",
    "no role": "new@example.org has no role yet: ask an administrator for one.",
    "public": "sign in first.",
}
WHO = {
    "upload": "Only an analyst or a programme manager may upload a workbook",
    "submit": "Only an analyst or a programme manager may submit a version for review",
    "approve": "Only a programme manager may approve a version",
    "return": "Only a programme manager may return a version",
    "add account": "Only an administrator may manage accounts and roles",
    "set role": "Only an administrator may manage accounts and roles",
    "disable": "Only an administrator may manage accounts and roles",
    "reset password": "Only an administrator may manage accounts and roles",
}
MAY = {
    "analyst": {"upload", "submit"},
    "manager": {"upload", "submit", "approve", "return"},
    "donor": set(),
    "admin": {"add account", "set role", "disable", "reset password"},
    "no role": set(),
    "public": set(),
}


def stored(root: Path) -> dict[str, bytes]:
    """Every file of the store but the log and the lock files."""
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.name != "log.jsonl" and not p.name.endswith(".lock")
    }


@pytest.fixture
def store(tmp_path: Path) -> Store:
    """A store with a submitted version and a draft, both uploaded by someone else, and one analyst account."""
    store = Store(tmp_path / "store")
    submitted = store.add_version(b"one", "one.xlsx", UPLOADER, small_programme(), base_version=None)
    store.submit(submitted, UPLOADER)
    store.add_version(b"two", "two.xlsx", UPLOADER, small_programme(), base_version=None)
    store.accounts.add(Identity("seed", "admin", "cli"), "uploader@example.org", "analyst", password="x" * 12)
    return store


def act(store: Store, who: Identity, action: str) -> None:
    """Do ``action`` on the fixture store as ``who``; the draft to submit is theirs (their own upload)."""
    draft = store.add_version(b"mine", "mine.xlsx", Identity(who.email, "manager", "local"), small_programme(),
                              base_version=None) if action == "submit" else None  # fmt: skip
    calls: dict[str, Callable[[], object]] = {
        "upload": lambda: store.add_version(b"new", "new.xlsx", who, small_programme(), base_version=None),
        "submit": lambda: store.submit(draft, who),
        "approve": lambda: store.approve("000001", who, "fine"),
        "return": lambda: store.return_version("000001", who, "fix Serbia"),
        "add account": lambda: store.accounts.add(who, "new2@example.org", "donor"),
        "set role": lambda: store.accounts.set_role(who, "uploader@example.org", "donor"),
        "disable": lambda: store.accounts.disable(who, "uploader@example.org"),
        "reset password": lambda: store.accounts.reset_password(who, "uploader@example.org"),
    }
    calls[action]()


@pytest.mark.parametrize("person", list(PEOPLE))
@pytest.mark.parametrize("action", list(WHO))
def test_store_actions_by_role(store: Store, person: str, action: str) -> None:
    who = PEOPLE[person]
    if action in MAY[person]:
        act(store, who, action)
        assert store.log()["user"].iloc[-1] == who.email and store.log()["action"].iloc[-1] != "refused"
        return
    before, lines = stored(store.root), len(store.log())
    with pytest.raises(PermissionRefused) as refused:
        act(store, who, action)
    message = str(refused.value)
    assert message.startswith(WHO[action]) and message.endswith(ROLE_PHRASE[person]), message
    after = stored(store.root)
    if action == "submit":  # act() stored the actor's own draft first: everything else is unchanged
        after = {k: v for k, v in after.items() if not k.startswith("versions/000003")}
        lines += 1
    assert after == before
    log = store.log()
    if action in ("upload", "submit", "approve", "return"):
        assert len(log) == lines + 1 and log["action"].iloc[-1] == "refused" and log["note"].iloc[-1] == message
        assert log["user"].iloc[-1] == (who.email if person != "public" else "public visitor")


def test_the_log_records_email_and_how_they_signed_in(store: Store) -> None:
    manager = PEOPLE["manager"]
    store.approve("000001", manager, "fine")
    last = store.log().iloc[-1]
    assert (last["action"], last["user"], last["method"]) == ("approved", "marko@example.org", "oidc")
    assert store.approved_meta()["approved_by"] == "marko@example.org"
    assert store.meta("000001")["uploaded_by"] == "uploader@example.org"


def test_an_analyst_submits_only_their_own_versions(store: Store) -> None:
    before = stored(store.root)
    with pytest.raises(
        PermissionRefused, match=r"Only the person who uploaded version 000002 \(uploader@example.org\) or a programme"
    ):
        store.submit("000002", PEOPLE["analyst"])
    assert stored(store.root) == before and store.log()["action"].iloc[-1] == "refused"
    store.submit("000002", PEOPLE["manager"])
    assert store.status("000002") == "submitted"


def test_four_eyes_a_manager_cannot_approve_their_own_upload(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    manager = PEOPLE["manager"]
    own = store.add_version(b"own", "own.xlsx", manager, small_programme(), base_version=None)
    store.submit(own, manager)
    before = stored(store.root)
    with pytest.raises(PermissionRefused) as refused:
        store.approve(own, manager)
    assert str(refused.value) == (
        f"Version {own} was uploaded by marko@example.org, so someone else must approve it (the four-eyes rule; "
        "a one-person team may turn it off with the setting FOUR_EYES=0)."
    )
    assert stored(store.root) == before and store.approved_id() is None
    store.return_version(own, manager, "I take it back")  # returning one's own upload is allowed
    assert store.status(own) == "returned"


def test_four_eyes_off_allows_it_and_logs_each_use(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PPD_FOUR_EYES", "0")
    manager = PEOPLE["manager"]
    own = store.add_version(b"own", "own.xlsx", manager, small_programme(), base_version=None)
    store.submit(own, manager)
    store.approve(own, manager)
    assert store.approved_id() == own
    assert store.log()["action"].tolist()[-2:] == ["four-eyes rule off", "approved"]


def test_versions_shown_to_each_role(store: Store) -> None:
    store.add_version(b"ana", "ana.xlsx", PEOPLE["analyst"], small_programme(), base_version=None)
    assert store.versions_for(PEOPLE["manager"])["id"].tolist() == ["000003", "000002", "000001"]
    assert store.versions_for(PEOPLE["analyst"])["id"].tolist() == ["000003"]
    assert store.versions_for(UPLOADER)["id"].tolist() == ["000002", "000001"]
    for person in ("donor", "admin", "no role", "public"):
        assert store.versions_for(PEOPLE[person]).empty
    assert store.versions_for(None).empty


# --- ingest --------------------------------------------------------------------------------------------

VALUES_HEADERS = ["Indicator ID", "Beneficiary", "Semester", "Sex", "Value", "Numerator", "Denominator", "Text",
                  "Comment"]  # fmt: skip


def values_workbook(*beneficiaries: str) -> bytes:
    rows = [["IND-01", b, "2026NovS2", "total", 9, None, None, None, None] for b in beneficiaries]
    return xlsx_from_rows({"Values": [VALUES_HEADERS, *rows]})


@pytest.mark.parametrize("person", list(PEOPLE))
def test_ingest_by_role(demo_store: Store, person: str) -> None:
    who = PEOPLE[person]
    if "upload" in MAY[person]:
        assert ingest(values_workbook("BIH"), "bih.xlsx", who, demo_store).version_id == "000002"
        return
    before, lines = stored(demo_store.root), len(demo_store.log())
    with pytest.raises(PermissionRefused) as refused:
        ingest(values_workbook("BIH"), "bih.xlsx", who, demo_store)
    assert str(refused.value) == f"{WHO['upload']} (bih.xlsx); {ROLE_PHRASE[person]}"
    assert stored(demo_store.root) == before and len(demo_store.log()) == lines + 1
    assert ingest(values_workbook("BIH"), "bih.xlsx", who, demo_store, save=False).ok  # checking needs no role


def test_an_analyst_limited_to_beneficiaries_gets_other_rows_listed_as_problems(demo_store: Store) -> None:
    limited = Identity("ana@example.org", "analyst", "local", ("SRB", "XKX"))
    result = ingest(values_workbook("SRB", "BIH", "XKX", "ALB"), "mixed.xlsx", limited, demo_store)
    assert not result.ok and result.version_id is None and demo_store.version_ids() == ["000001"]
    refused = [(p.sheet, p.row, p.column, p.found) for p in result.problems if p.code == "beneficiary-not-yours"]
    assert refused == [("Values", 3, "Beneficiary", "'Bosnia and Herzegovina'"), ("Values", 5, "Beneficiary",
                                                                                   "'Albania'")]  # fmt: skip
    assert "one of your beneficiaries (Kosovo*, Serbia)" in result.problems[0].expected
    assert ingest(values_workbook("SRB", "XKX"), "mine.xlsx", limited, demo_store).version_id == "000002"


def test_a_limited_analyst_may_send_shared_sheets_unchanged_but_not_change_them(demo_store: Store) -> None:
    limited = Identity("ana@example.org", "analyst", "local", ("SRB",))
    approved = demo_store.approved()
    same = ingest(write_workbook(approved), "all.xlsx", limited, demo_store, save=False)
    assert not [p for p in same.problems if p.code == "shared-row-not-yours"]
    meetings = approved.meetings.copy()
    meetings.loc[meetings.index[-1], "place"] = "Elsewhere"
    changed = ingest(write_workbook(Programme({**approved.tables, "meetings": meetings})), "m.xlsx", limited,
                     demo_store, save=False)  # fmt: skip
    shared = [p for p in changed.problems if p.code == "shared-row-not-yours"]
    assert [(p.sheet, p.found) for p in shared] == [("Meetings", f"'{int(meetings['number'].iloc[-1])}'")]
    assert not changed.ok
