"""The permission table, written out again here so that any change to who may do what fails a test."""

from __future__ import annotations

import pytest

from indicators.access.identity import PUBLIC, SYSTEM, Identity, oidc_email
from indicators.access.roles import (
    PERMISSIONS,
    ROLES,
    Action,
    PermissionRefused,
    allowed,
    refusal,
    require,
    unsuppressed_beneficiaries,
)
from indicators.domain.problems import ProjectError

A = Action
EXPECTED: dict[str, set[Action]] = {
    "donor": {A.VIEW_APPROVED, A.DOWNLOAD, A.MAKE_REPORTS},
    "analyst": {A.VIEW_APPROVED, A.DOWNLOAD, A.VIEW_UNSUPPRESSED, A.VIEW_OWN_DRAFTS, A.UPLOAD, A.SUBMIT,
                A.MANAGE_MAPPINGS},
    "manager": {A.VIEW_APPROVED, A.DOWNLOAD, A.VIEW_UNSUPPRESSED, A.VIEW_OWN_DRAFTS, A.VIEW_DRAFTS, A.UPLOAD,
                A.SUBMIT, A.APPROVE, A.RETURN, A.PREVIEW_DONOR_VIEW, A.MANAGE_MAPPINGS, A.MAKE_REPORTS},
    "admin": {A.VIEW_APPROVED, A.DOWNLOAD, A.VIEW_UNSUPPRESSED, A.MANAGE_ACCOUNTS},
}  # fmt: skip


def test_the_roles_are_the_four_named_in_the_issue():
    assert ROLES == ("analyst", "manager", "donor", "admin") and set(PERMISSIONS) == set(ROLES)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(Action))
def test_permission_table(role: str, action: Action) -> None:
    assert allowed(Identity("x@example.org", role, "local"), action) == (action in EXPECTED[role])


@pytest.mark.parametrize("action", list(Action))
def test_nobody_without_a_role_or_not_signed_in_may_do_anything(action: Action) -> None:
    assert not allowed(None, action)
    assert not allowed(Identity("x@example.org", None, "oidc"), action)
    assert not allowed(Identity("x@example.org", "superuser", "oidc"), action)


def test_a_public_visitor_is_shown_the_donor_view_and_may_only_read():
    assert PUBLIC.donor_view and {a for a in Action if allowed(PUBLIC, a)} == EXPECTED["donor"]
    assert not Identity("m@example.org", "manager", "local").donor_view
    assert Identity("d@example.org", "donor", "oidc").donor_view


@pytest.mark.parametrize(
    ("claims", "expected"),
    [
        ({"email": "m@example.org", "email_verified": True}, ("m@example.org", "")),
        ({"email": "m@example.org"}, ("m@example.org", "")),  # Entra ID sends no email_verified
        ({"email": "m@example.org", "email_verified": False}, (None, "not verified")),
        ({"email": "m@example.org", "email_verified": "false"}, (None, "not verified")),  # some send text
        ({"email": "m@example.org", "email_verified": "true"}, ("m@example.org", "")),
        ({"preferred_username": "m@example.org"}, ("m@example.org", "")),
        ({"email": "", "name": "M"}, (None, "no email")),
        ({}, (None, "no email")),
    ],
)
def test_the_email_of_an_organisation_account_must_not_be_one_its_provider_did_not_verify(claims, expected):
    assert oidc_email(claims) == expected


def test_the_demo_seed_may_do_everything_and_is_named_in_the_log():
    assert all(allowed(SYSTEM, a) for a in Action)
    assert SYSTEM.label == "system (system)"
    assert Identity("ana@example.org", "analyst", "oidc").label == "ana@example.org (oidc)"


@pytest.mark.parametrize(
    ("identity", "action", "what", "sentence"),
    [
        (Identity("ana@example.org", "analyst", "local"), A.APPROVE, "version 000003",
         "Only a programme manager may approve a version (version 000003); ana@example.org is signed in as an "
         "analyst."),
        (Identity("d@example.org", "donor", "oidc"), A.UPLOAD, "",
         "Only an analyst or a programme manager may upload a workbook; d@example.org is signed in as a donor."),
        (Identity("m@example.org", "manager", "local"), A.MANAGE_ACCOUNTS, "",
         "Only an administrator may manage accounts and roles; m@example.org is signed in as a programme manager."),
        (Identity("new@example.org", None, "oidc"), A.VIEW_APPROVED, "",
         "Only an analyst, a programme manager, a donor or an administrator may see the approved data; "
         "new@example.org has no role yet: ask an administrator for one."),
        (None, A.SUBMIT, "", "Only an analyst or a programme manager may submit a version for review; sign in first."),
        (PUBLIC, A.DOWNLOAD, "", "Only an analyst, a programme manager, a donor or an administrator may download "
         "data; sign in first."),
    ],
)  # fmt: skip
def test_refusals_say_who_may(identity, action, what, sentence):
    assert refusal(identity, action, what) == sentence
    if not allowed(identity, action):
        with pytest.raises(PermissionRefused) as refused:
            require(identity, action, what)
        assert str(refused.value) == sentence and isinstance(refused.value, ProjectError)


def test_require_lets_an_allowed_action_through():
    require(Identity("m@example.org", "manager", "local"), A.APPROVE)


@pytest.mark.parametrize(
    ("who", "unsuppressed"),
    [
        (Identity("m@example.org", "manager", "local"), None),  # every beneficiary
        (Identity("a@example.org", "admin", "oidc"), None),
        (Identity("a@example.org", "analyst", "local"), None),  # an analyst for the whole programme
        (Identity("a@example.org", "analyst", "local", ("ALB",)), ("ALB",)),  # need to know: their own only
        (Identity("a@example.org", "analyst", "cli", ("ALB", "XKX")), ("ALB", "XKX")),
        (Identity("d@example.org", "donor", "local"), ()),  # nobody's
        (PUBLIC, ()),
        (Identity("x@example.org", None, "oidc"), ()),
        (None, ()),
        (SYSTEM, None),
    ],
)
def test_whose_sensitive_counts_each_person_sees_unsuppressed(who, unsuppressed) -> None:
    assert unsuppressed_beneficiaries(who) == unsuppressed
