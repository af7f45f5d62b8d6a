"""Who may do what: the table role -> allowed actions, and the one check the store and ingest call.

The rules, in one place:

- *donor*: approved data only, with small sensitive counts suppressed; may download what their pages show and
  make the donor edition of the semester report pack.
- *analyst*: approved data and their own versions; uploads (optionally only for some beneficiaries, see
  ``Identity.beneficiaries``) and submits their own versions. Need to know: an analyst limited to some
  beneficiaries sees sensitive counts unsuppressed only for those; every other beneficiary's figures, and the
  regional roll-ups and headline figures that add them up, as donors see them (``unsuppressed_beneficiaries``).
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
from indicators.domain.i18n import N_, _
from indicators.domain.problems import ProjectError

ROLES = ("analyst", "manager", "donor", "admin")
# Roles as people read them (translated where shown; the codes above never change).
ROLE_NAMES = {
    "analyst": N_("analyst"),
    "manager": N_("programme manager"),
    "donor": N_("donor"),
    "admin": N_("administrator"),
}
ROLE_WITH_ARTICLE = {
    "analyst": N_("an analyst"),
    "manager": N_("a programme manager"),
    "donor": N_("a donor"),
    "admin": N_("an administrator"),
}


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
    Action.VIEW_APPROVED: N_("see the approved data"),
    Action.VIEW_UNSUPPRESSED: N_("see sensitive counts unsuppressed"),
    Action.VIEW_OWN_DRAFTS: N_("see their own versions and the notes on them"),
    Action.VIEW_DRAFTS: N_("see every version, drafts included"),
    Action.UPLOAD: N_("upload a workbook"),
    Action.SUBMIT: N_("submit a version for review"),
    Action.APPROVE: N_("approve a version"),
    Action.RETURN: N_("return a version"),
    Action.DOWNLOAD: N_("download data"),
    Action.PREVIEW_DONOR_VIEW: N_("preview the donor view"),
    Action.MANAGE_ACCOUNTS: N_("manage accounts and roles"),
    Action.MANAGE_MAPPINGS: N_("save column mappings"),
    Action.MAKE_REPORTS: N_("make the semester report pack"),
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


def unsuppressed_beneficiaries(identity: Identity | None) -> tuple[str, ...] | None:
    """Whose sensitive counts this identity sees unsuppressed: None for every beneficiary (a programme manager, an
    administrator, an analyst for the whole programme), the analyst's own beneficiaries when they are limited to
    some, () for nobody's (donors, public visitors, no role: the donor view everywhere)."""
    if not allowed(identity, Action.VIEW_UNSUPPRESSED) or identity.donor_view:
        return ()
    if identity.role == "analyst" and identity.beneficiaries:
        return tuple(identity.beneficiaries)
    return None


def roles_allowed(action: Action) -> list[str]:
    """The roles that may do an action, in the order of ROLES."""
    return [role for role in ROLES if action in PERMISSIONS[role]]


def role_name(role: str | None) -> str:
    """A role as people say it: 'programme manager', 'administrator'; 'no role' for None (in the language)."""
    return _(ROLE_NAMES.get(role or "", N_("no role")))


def _article(role: str) -> str:
    """A role with its article: 'an analyst', 'a programme manager' (in the language)."""
    if role in ROLE_WITH_ARTICLE:
        return _(ROLE_WITH_ARTICLE[role])
    name = role_name(role)
    return ("an " if name[0] in "aeiou" else "a ") + name


def _either(names: list[str]) -> str:
    """'a, b or c' in the language."""
    if len(names) < 2:
        return "".join(names)
    return _("{some} or {last}").format(some=", ".join(names[:-1]), last=names[-1])


def refusal(identity: Identity | None, action: Action, what: str = "") -> str:
    """The sentence that says who may do an action and who tried, e.g. 'Only a programme manager may approve
    a version (000003); ana@example.org is signed in as an analyst.'"""
    names = [_article(r) for r in roles_allowed(action)]
    who = _("Only {roles}").format(roles=_either(names)) if names else _("Nobody")
    doing = _(ACTION_TEXT[action]) + (f" ({what})" if what else "")
    if identity is None or identity.method == "public":
        return _("{who} may {action}; sign in first.").format(who=who, action=doing)
    if identity.role is None:
        return _("{who} may {action}; {email} has no role yet: ask an administrator for one.").format(
            who=who, action=doing, email=identity.email
        )
    return _("{who} may {action}; {email} is signed in as {role}.").format(
        who=who, action=doing, email=identity.email, role=_article(identity.role), name=role_name(identity.role)
    )  # {name}: the role without its article, for languages that say it so


def require(identity: Identity | None, action: Action, what: str = "") -> None:
    """Raise ``PermissionRefused`` unless this identity may do this action."""
    if not allowed(identity, action):
        raise PermissionRefused(refusal(identity, action, what))
