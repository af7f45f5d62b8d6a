"""Who may do what: the table role -> allowed actions, and the one check the store and ingest call.

The rules, in one place:

- *donor*: approved data only, with small sensitive counts suppressed; may download what their pages show and
  make the donor edition of the semester report pack.
- *analyst*: approved data and their own versions; uploads (optionally only for some beneficiaries, see
  ``Identity.beneficiaries``) and submits their own versions.
- *manager* (programme manager): everything, and the donor view on request; uploads, reviews, approves and
  returns, but not a version they uploaded themselves (the four-eyes rule, setting FOUR_EYES); makes the
  semester report pack in both editions (the programme-management edition is unsuppressed).
- *admin* (administrator): manages accounts and roles; reads the approved data; changes no data.
- A signed-in person without a role may do nothing.
- The demo seed (method ``system``) may do everything; sign-in never makes that identity.

``require`` raises ``PermissionRefused`` (a ``ProjectError``) with a sentence saying who may do it.
"""

from __future__ import annotations

from enum import StrEnum

from indicators.access.identity import Identity
from indicators.domain.problems import ProjectError

ROLES = ("analyst", "manager", "donor", "admin")
ROLE_NAMES = {"analyst": "analyst", "manager": "programme manager", "donor": "donor", "admin": "administrator"}


class Action(StrEnum):
    VIEW_APPROVED = "view_approved"
    VIEW_UNSUPPRESSED = "view_unsuppressed"
    VIEW_OWN_DRAFTS = "view_own_drafts"
    VIEW_DRAFTS = "view_drafts"
    UPLOAD = "upload"
    SUBMIT = "submit"
    APPROVE = "approve"
    RETURN = "return"
    DOWNLOAD = "download"
    PREVIEW_DONOR_VIEW = "preview_donor_view"
    MANAGE_ACCOUNTS = "manage_accounts"
    MANAGE_MAPPINGS = "manage_mappings"
    MAKE_REPORTS = "make_reports"


# What each action is, as the end of "Only a programme manager may ...".
ACTION_TEXT: dict[Action, str] = {
    Action.VIEW_APPROVED: "see the approved data",
    Action.VIEW_UNSUPPRESSED: "see sensitive counts unsuppressed",
    Action.VIEW_OWN_DRAFTS: "see their own versions and the notes on them",
    Action.VIEW_DRAFTS: "see every version, drafts included",
    Action.UPLOAD: "upload a workbook",
    Action.SUBMIT: "submit a version for review",
    Action.APPROVE: "approve a version",
    Action.RETURN: "return a version",
    Action.DOWNLOAD: "download data",
    Action.PREVIEW_DONOR_VIEW: "preview the donor view",
    Action.MANAGE_ACCOUNTS: "manage accounts and roles",
    Action.MANAGE_MAPPINGS: "save column mappings",
    Action.MAKE_REPORTS: "make the semester report pack",
}

_READ = frozenset({Action.VIEW_APPROVED, Action.DOWNLOAD})
PERMISSIONS: dict[str, frozenset[Action]] = {
    "donor": _READ | {Action.MAKE_REPORTS},
    "analyst": _READ
    | {Action.VIEW_UNSUPPRESSED, Action.VIEW_OWN_DRAFTS, Action.UPLOAD, Action.SUBMIT, Action.MANAGE_MAPPINGS},
    "manager": frozenset(Action) - {Action.MANAGE_ACCOUNTS},
    "admin": _READ | {Action.VIEW_UNSUPPRESSED, Action.MANAGE_ACCOUNTS},
}
SYSTEM_METHOD = "system"


class PermissionRefused(ProjectError):
    """An action the acting person's role does not allow; the message says who may do it."""


def allowed(identity: Identity | None, action: Action) -> bool:
    """Whether this identity may do this action (None, not signed in, may do nothing)."""
    if identity is None:
        return False
    if identity.method == SYSTEM_METHOD:
        return True
    return action in PERMISSIONS.get(identity.role or "", frozenset())


def roles_allowed(action: Action) -> list[str]:
    """The roles that may do an action, in the order of ROLES."""
    return [role for role in ROLES if action in PERMISSIONS[role]]


def role_name(role: str | None) -> str:
    """A role as people say it: 'programme manager', 'administrator'; 'no role' for None."""
    return ROLE_NAMES.get(role or "", "no role")


def _article(name: str) -> str:
    return ("an " if name[0] in "aeiou" else "a ") + name


def refusal(identity: Identity | None, action: Action, what: str = "") -> str:
    """The sentence that says who may do an action and who tried, e.g. 'Only a programme manager may approve
    a version (000003); ana@example.org is signed in as an analyst.'"""
    names = [_article(ROLE_NAMES[r]) for r in roles_allowed(action)]
    who = (
        "Only " + (" or ".join([", ".join(names[:-1]), names[-1]] if len(names) > 2 else names)) if names else "Nobody"
    )
    doing = ACTION_TEXT[action] + (f" ({what})" if what else "")
    if identity is None or identity.method == "public":
        return f"{who} may {doing}; sign in first."
    if identity.role is None:
        return f"{who} may {doing}; {identity.email} has no role yet: ask an administrator for one."
    return f"{who} may {doing}; {identity.email} is signed in as {_article(role_name(identity.role))}."


def require(identity: Identity | None, action: Action, what: str = "") -> None:
    """Raise ``PermissionRefused`` unless this identity may do this action."""
    if not allowed(identity, action):
        raise PermissionRefused(refusal(identity, action, what))
