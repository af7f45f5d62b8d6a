"""Batch review on the command line: versions, submit, approve and return, each as a named account."""

from __future__ import annotations

import json

import pytest

from indicators.access.identity import SYSTEM, Identity
from indicators.store import Store
from tests.test_cli import run
from tests.test_review import edited, upload, value_of

MANAGER, ANALYST, DONOR = "marko@example.org", "ana@example.org", "donor@example.org"


@pytest.fixture(autouse=True)
def accounts(demo_store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """A programme manager, an analyst and a donor with accounts in the store the commands use; the shell is
    trusted to say who acts (CLI_TRUSTED=1), as the credential is tested below and in test_cli_backends.py."""
    for email, role in ((MANAGER, "manager"), (ANALYST, "analyst"), (DONOR, "donor")):
        demo_store.accounts.add(SYSTEM, email, role)
    monkeypatch.setenv("PPD_CLI_TRUSTED", "1")


def test_versions_lists_what_approving_each_submitted_version_changes_now(demo_store: Store) -> None:
    start = demo_store.approved()
    first, second = (
        upload(demo_store, edited(start, "ALB", 81), "ana"),
        upload(demo_store, edited(start, "ALB", 82), "b"),
    )
    assert run("approve", first, "--as", MANAGER).returncode == 0
    done = run("versions", "--json")
    assert done.returncode == 0, done.stderr
    listed = {v["id"]: v for v in json.loads(done.stdout)["versions"]}
    assert listed[first]["status"] == "approved" and listed[second]["status"] == "submitted"
    waiting = listed[second]
    assert waiting["reapplied"] is True and waiting["changes"] == 1 and waiting["errors"] == 0
    assert [(c["beneficiary"], c["approved_since"], c["upload"]) for c in waiting["conflicts"]] == [
        ("ALB", "81.0", "82.0")
    ]
    text = run("versions").stdout
    assert f"{second}  submitted" in text and "1 conflict(s)" in text


def test_approve_prints_the_recomputed_changes_and_approves_exactly_those(demo_store: Store) -> None:
    start = demo_store.approved()
    first, second = (
        upload(demo_store, edited(start, "MKD", 91), "ana"),
        upload(demo_store, edited(start, "SRB", 92), "b"),
    )
    assert run("approve", first, "--as", MANAGER).returncode == 0
    done = run("approve", second, "--as", MANAGER, "--note", "checked")
    assert done.returncode == 0, done.stderr
    assert "values IND-01 · SRB · 2026NovS1 · total: value" in done.stdout and "-> 92.0" in done.stdout
    assert "1 change(s)." in done.stdout and "re-applied" in done.stdout
    now = demo_store.approved()
    assert (value_of(now, "MKD"), value_of(now, "SRB")) == (91.0, 92.0)
    assert demo_store.status(second) == "approved"


def test_a_conflict_is_not_approved_and_return_carries_the_conflict_list(demo_store: Store) -> None:
    start = demo_store.approved()
    first, second = (
        upload(demo_store, edited(start, "BIH", 71), "ana"),
        upload(demo_store, edited(start, "BIH", 72), "b"),
    )
    assert run("approve", first, "--as", MANAGER).returncode == 0
    refused = run("approve", second, "--as", MANAGER)
    assert refused.returncode == 2 and "was not approved: 1 cell(s)" in refused.stderr
    assert "approved since 71.0, in the upload 72.0" in refused.stderr
    assert demo_store.status(second) == "submitted" and value_of(demo_store.approved(), "BIH") == 71.0
    assert run("return", second, "--as", MANAGER).returncode == 2  # --note is required
    done = run("return", second, "--as", MANAGER, "--note", "Two figures for Bosnia and Herzegovina")
    assert done.returncode == 0, done.stderr
    note = demo_store.versions().set_index("id").loc[second, "note"]
    assert note.startswith("Two figures") and "approved since 71.0, in the upload 72.0" in note


def test_submit_and_unknown_versions(demo_store: Store) -> None:
    assert run("approve", "000099", "--as", MANAGER).returncode == 2
    assert "there is no version 000099" in run("submit", "000099", "--as", MANAGER).stderr


@pytest.mark.parametrize(
    ("command", "who", "says"),
    [
        ("approve", DONOR, "approve a version"),
        ("approve", ANALYST, "approve a version"),
        ("approve", "nobody@example.org", "approve a version"),
        ("return", ANALYST, "return a version"),
        ("submit", DONOR, "submit a version"),
    ],
)
def test_each_command_acts_as_the_named_account_and_is_refused_when_its_role_may_not(
    demo_store: Store, command: str, who: str, says: str
) -> None:
    version = upload(demo_store, edited(demo_store.approved(), "MNE", 41), "besa")
    if command == "submit":
        demo_store.return_version(version, Identity(MANAGER, "manager", "local"), "again please")
    before = (demo_store.approved_id(), demo_store.status(version))
    done = run(command, version, "--as", who, "--note", "from a script")
    assert done.returncode == 2 and says in done.stderr and "Traceback" not in done.stderr
    assert "MNE" not in done.stdout + done.stderr  # a draft's changes are never shown to an account refused
    assert (demo_store.approved_id(), demo_store.status(version)) == before
    refused = demo_store.log().query("action == 'refused'")
    assert refused["user"].tolist()[-1] == who and refused["method"].tolist()[-1] == "cli"


def test_the_log_names_the_account_and_the_command_line(demo_store: Store) -> None:
    version = upload(demo_store, edited(demo_store.approved(), "MNE", 42), "besa")
    assert run("approve", version, "--as", MANAGER).returncode == 0
    last = demo_store.log().iloc[-1]
    assert (last["action"], last["user"], last["method"]) == ("approved", MANAGER, "cli")


def test_approve_and_return_need_the_accounts_credential_and_log_the_os_user(
    demo_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without a trusted shell, --as needs that account's password or personal token on standard input; the
    four-eyes rule holds either way; the log names the operating-system user beside the account."""
    import getpass

    monkeypatch.setenv("PPD_CLI_TRUSTED", "0")
    demo_store.accounts.set_role(SYSTEM, ANALYST, "manager")  # uploads, then tries to approve their own upload
    token = demo_store.accounts.issue_token(SYSTEM, MANAGER)
    version = upload(demo_store, edited(demo_store.approved(), "ALB", 71), ANALYST)
    refused = run("approve", version, "--as", MANAGER, stdin="")
    assert refused.returncode == 2 and "password or personal token on standard input" in refused.stderr
    wrong = run("approve", version, "--as", MANAGER, stdin="ppd-not-the-token\n")
    assert wrong.returncode == 2 and demo_store.status(version) == "submitted"
    own_token = demo_store.accounts.issue_token(SYSTEM, ANALYST)
    four_eyes = run("approve", version, "--as", ANALYST, stdin=own_token + "\n")
    assert four_eyes.returncode == 2 and demo_store.status(version) == "submitted", four_eyes.stderr
    done = run("approve", version, "--as", MANAGER, stdin=token + "\n")
    assert done.returncode == 0, done.stderr
    assert demo_store.status(version) == "approved"
    log = demo_store.log()
    refusals = log[(log["action"] == "refused") & (log["version"] == version)]
    assert len(refusals) == 3 and set(refusals["os_user"]) == {getpass.getuser()}
    approved = log[(log["action"] == "approved") & (log["version"] == version)].iloc[-1]
    assert (approved["user"], approved["method"], approved["os_user"]) == (MANAGER, "cli", getpass.getuser())
    assert token not in (demo_store.root / "log.jsonl").read_text() + (demo_store.root / "accounts.json").read_text()
    demo_store.accounts.revoke_token(SYSTEM, MANAGER)
    second = upload(demo_store, edited(demo_store.approved(), "ALB", 72), "ana")
    assert run("return", second, "--as", MANAGER, "--note", "no", stdin=token + "\n").returncode == 2
