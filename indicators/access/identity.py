"""Who is acting: the signed-in person (or the command line, a public visitor, the demo seed) and their role.

An ``Identity`` is made by sign-in (method ``local`` or ``oidc``), by the command line (``cli``, acting as a
named account), for a visitor who is not signed in when the public donor view is on (``public``), and for
the demo seed (``system``, never a person). Its role comes from the store's role assignment for the email at
each rerun, so a changed role or a disabled account takes effect at once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

METHODS = ("local", "oidc", "cli", "public", "system")


@dataclass(frozen=True)
class Identity:
    email: str
    role: str | None  # one of roles.ROLES, or None: signed in but no role assigned
    method: str  # how they signed in: one of METHODS
    beneficiaries: tuple[str, ...] = ()  # an analyst limited to these beneficiary codes; () means all
    os_user: str = ""  # the command line: the operating-system user who ran it as this account (logged beside it)

    @property
    def donor_view(self) -> bool:
        """Whether pages show the donor view: for donors and for visitors who are not signed in."""
        return self.role == "donor" or self.method == "public"

    @property
    def label(self) -> str:
        """How the log names them: email and how they signed in."""
        return f"{self.email} ({self.method})"


SYSTEM = Identity("system", "admin", "system")  # seeds the illustrative demo; never a person
PUBLIC = Identity("public visitor", "donor", "public")  # not signed in, when the public donor view is on


def oidc_email(claims: Mapping[str, object]) -> tuple[str | None, str]:
    """The email an organisation account (the claims its OpenID provider gave, ``st.user``) is known by, whose
    role assignment applies; or None and why not: 'no email', or 'not verified' when the provider says the
    address was not verified (``email_verified`` false: anyone may have typed it, e.g. a manager's). Providers
    that do not send ``email_verified`` (Microsoft Entra ID) are trusted for the addresses they give."""
    email = str(claims.get("email") or claims.get("preferred_username") or "").strip()
    if not email:
        return None, "no email"
    verified = claims.get("email_verified")
    if claims.get("email") and (verified is False or str(verified).strip().lower() == "false"):
        return None, "not verified"
    return email, ""
