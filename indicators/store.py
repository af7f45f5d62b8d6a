"""The versioned store: every upload is a version that is never changed or lost.

What the store keeps, on either backend (``indicators/storage/``: a folder under STORE_DIR, or PostgreSQL
when STORE_URL is set): each version's record (who uploaded what, when, from which base version; written
once), its uploaded bytes unchanged, and its tables in Parquet (the whole programme after this upload:
approved data + upload); an append-only log (one event per action: created, submitted, ...); the approved
pointer. The log is tamper-evident: each event carries ``prev``, the hash of the event before it
(``storage/verify.py``; ``python -m indicators store verify`` checks the chain). This module holds the
rules and reaches storage only through the backend's primitives (``indicators/storage/__init__.py`` lists
them; ``storage/folder.py`` gives the folder's layout).

A version is staged apart and made a version in one step, so a process killed mid-write leaves no half
version. Reviews are checked and written while the store's lock is held (one transaction on PostgreSQL).
A version's status is the last status the log gives it.

Every acting method takes the acting ``Identity`` and checks the permission table itself
(``indicators/access/roles.py``): a refused action raises ``PermissionRefused`` and changes nothing but the
log, which records the refusal. A programme manager cannot approve a version they uploaded (the four-eyes
rule) unless the setting FOUR_EYES is 0, and then each such approval is logged as such.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from contextlib import AbstractContextManager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from indicators.access.accounts import Accounts, normal_email
from indicators.access.identity import Identity
from indicators.access.roles import Action, PermissionRefused, allowed, require
from indicators.domain.i18n import N_, _
from indicators.domain.problems import ProjectError
from indicators.domain.schema import TABLES, Programme, conform
from indicators.domain.settings import setting
from indicators.storage import TABLES_PREFIX, UPLOAD, Backend, NoSuchVersion, Staged, open_backend
from indicators.storage.verify import event_hash

STATUS_BY_ACTION = {"created": "draft", "submitted": "submitted", "approved": "approved", "returned": "returned"}
ALLOWED = {  # action -> statuses it may follow
    "submitted": {"draft", "returned"},
    "approved": {"submitted"},
    "returned": {"submitted"},
}
PERMISSION = {"submitted": Action.SUBMIT, "approved": Action.APPROVE, "returned": Action.RETURN}
# A version's status as people read it (the codes above never change).
STATUS_WORDS = {
    "draft": N_("draft"),
    "submitted": N_("submitted"),
    "approved": N_("approved"),
    "returned": N_("returned"),
}
REMOVED = N_(
    "the workbook of version {version} was removed, as the setting RETAIN_UNAPPROVED_DAYS asks for "
    "drafts and returned versions never approved; upload it again"
)
LOG_COLUMNS = ["at", "action", "version", "user", "method", "note", "os_user"]  # os_user: the command line's
VERSION_COLUMNS = [
    "id",
    "status",
    "file_name",
    "uploaded_by",
    "uploaded_at",
    "sha256",
    "base_version",
    "reapplied_from",
    "reviewer",
    "reviewed_at",
    "note",
    "illustrative",
    "rows",
    "is_approved",
]


@dataclass(frozen=True)
class StagedVersion:
    """A version's files staged apart by the backend, waiting for ``Store.commit_version``."""

    staged: Staged
    sha256: str
    rows: int

    @property
    def path(self) -> Path | None:
        """The temporary folder of a version staged by the folder backend (None on other backends)."""
        return getattr(self.staged, "path", None)


class StoreError(ProjectError):
    """An action the store refuses (e.g. approving a draft); the message says why."""


class ApprovedMoved(StoreError):
    """Another version was approved while a version was being reviewed: its changes must be computed again."""


ANY = object()  # Store.approve's ``onto`` when the caller does not say which approved version it reviewed against


def sha256(data: bytes) -> str:
    """The SHA-256 of some bytes, in hex."""
    return hashlib.sha256(data).hexdigest()


def now_iso() -> str:
    """The current UTC time as ISO text, to the second."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def parquet_bytes(frame: pd.DataFrame) -> bytes:
    """A table as the store keeps it: Parquet, without the index (the same bytes on every backend)."""
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    return buffer.getvalue()


class Store:
    """The versioned store at a location: a folder, or a ``postgresql://`` URL (see ``indicators.storage``)."""

    def __init__(self, location: str | Path | Backend) -> None:
        self.backend: Backend = location if hasattr(location, "read_log") else open_backend(location)

    def __repr__(self) -> str:
        return f"Store({self.backend.location!r})"

    @property
    def root(self) -> Path:
        """The folder of a folder store (the one backend that has a folder)."""
        root = getattr(self.backend, "root", None)
        if root is None:
            raise StoreError(_("the store at {location} is not a folder").format(location=self.backend.location))
        return root

    # --- locking and the log -------------------------------------------------------------------------

    def locked(self, name: str = "store") -> AbstractContextManager[None]:
        """Hold a named lock on the store, across threads and processes (and servers, on PostgreSQL)."""
        return self.backend.locked(name)

    def _append_log(self, event: dict) -> None:
        """Append an event carrying the hash of the one before it (the chain ``store verify`` checks)."""
        with self.backend.locked("log"):
            event = {**event, "prev": event_hash(self.backend.last_log_event())}
            self.backend.append_log(event)

    def log(self) -> pd.DataFrame:
        """Every action recorded, oldest first (a line torn by a crash is skipped)."""
        events = self.backend.read_log()
        return pd.DataFrame(events, columns=LOG_COLUMNS).astype("string")

    @property
    def accounts(self) -> Accounts:
        """The accounts and roles kept with this store; their changes go to this store's log."""
        return Accounts(self.backend, self._append_log)

    def require(self, actor: Identity | None, action: Action, what: str = "", version: str | None = None) -> None:
        """Refuse (``PermissionRefused``, and a 'refused' line in the log) unless ``actor`` may do ``action``."""
        try:
            require(actor, action, what)
        except PermissionRefused as error:
            self.record_refusal(actor, error, version)
            raise

    def record_refusal(self, actor: Identity | None, error: ProjectError, version: str | None = None) -> None:
        """Log an action refused to ``actor`` with the sentence that said why."""
        self._append_log(
            {
                "at": now_iso(),
                "action": "refused",
                "version": version,
                **(_who(actor) if actor else {"user": "(not signed in)", "method": ""}),
                "note": str(error),
            }
        )

    # --- versions ------------------------------------------------------------------------------------

    def _check_id(self, version_id: str) -> str:
        if not (version_id.isdigit() and len(version_id) == 6):
            raise StoreError(
                _("'{version}' is not a version identifier (six digits, e.g. 000001)").format(version=version_id)
            )
        if not self.backend.has_version(version_id):
            raise StoreError(_("there is no version {version}").format(version=version_id))
        return version_id

    def version_ids(self) -> list[str]:
        """Identifiers of every complete version, oldest first."""
        return self.backend.version_ids()

    def meta(self, version_id: str) -> dict:
        """What was recorded when a version was created."""
        try:
            return self.backend.meta(self._check_id(version_id))
        except NoSuchVersion as error:
            raise StoreError(str(error)) from None

    def add_version(
        self,
        data: bytes,
        file_name: str,
        actor: Identity,
        programme: Programme,
        *,
        base_version: str | None,
        illustrative: bool = False,
        summary: dict | None = None,
    ) -> str:
        """Store an upload as a new draft version; returns its identifier."""
        self.require(actor, Action.UPLOAD)
        staged = self.stage_version(data, programme)
        return self.commit_version(
            staged, file_name, actor, base_version=base_version, illustrative=illustrative, summary=summary
        )

    def stage_version(self, data: bytes, programme: Programme) -> StagedVersion:
        """A new version's upload and tables (Parquet) staged apart by the backend, not yet a version.

        ``commit_version`` puts it in place, ``discard`` drops it; a process killed before either leaves
        at most an orphan temporary folder. Safe to run in another thread while the caller works on.
        """
        files = {UPLOAD: data}
        for table in TABLES:
            files[f"{TABLES_PREFIX}{table.name}.parquet"] = parquet_bytes(conform(table, programme[table.name]))
        return StagedVersion(self.backend.stage(files), sha256(data), programme.row_count)

    def commit_version(
        self,
        staged: StagedVersion,
        file_name: str,
        actor: Identity,
        *,
        base_version: str | None,
        illustrative: bool = False,
        summary: dict | None = None,
    ) -> str:
        """Make a staged version the next draft version in one rename; returns its identifier."""
        try:
            self.require(actor, Action.UPLOAD)
            meta = {
                "sha256": staged.sha256,
                "file_name": Path(file_name).name[:200],
                "uploaded_by": actor.email,
                "uploaded_method": actor.method,
                "uploaded_at": now_iso(),
                "base_version": base_version,
                "illustrative": illustrative,
                "rows": staged.rows,
                "summary": summary or {},
            }
            with self.locked():
                version_id = self._commit_locked(staged, meta, actor, meta["file_name"])
            return version_id
        finally:
            self.discard(staged)

    def _commit_locked(self, staged: StagedVersion, meta: dict, actor: Identity, note: str) -> str:
        """Rename a staged version into the next number (the caller holds the lock); logs its creation."""
        meta = {"sha256": staged.sha256, "rows": staged.rows, "summary": {}, **meta}
        version_id = self.backend.commit(staged.staged, meta)
        at = meta.get("reapplied_at") or meta["uploaded_at"]
        self._append_log(
            {
                "at": at,
                "action": "created",
                "version": version_id,
                **_who(actor),
                "note": note,
            }
        )
        return version_id

    def discard(self, staged: StagedVersion) -> None:
        """Drop a staged version that will not be committed (nothing once it has been)."""
        self.backend.discard(staged.staged)

    def load(self, version_id: str) -> Programme:
        """The whole programme as stored in a version (refused, with a sentence, for one retention removed)."""
        try:
            return _load_tables(self.backend, self._check_id(version_id))
        except KeyError:
            if version_id in self.removed_ids():
                raise StoreError(_(REMOVED).format(version=version_id)) from None
            raise

    def raw_bytes(self, version_id: str) -> bytes:
        """The uploaded workbook exactly as it was received."""
        self._check_id(version_id)
        if version_id in self.removed_ids():
            raise StoreError(_(REMOVED).format(version=version_id))
        return self.backend.read_file(version_id, UPLOAD)

    def removed_ids(self) -> set[str]:
        """Versions whose raw workbook was removed under the retention setting (the log says so)."""
        return {e["version"] for e in self.backend.read_log() if e.get("action") == "removed"}

    def find_by_sha(self, digest: str) -> str | None:
        """The first version whose upload had these exact bytes and are still kept, if any."""
        removed = self.removed_ids()
        for version_id, meta in self.backend.metas().items():
            if meta["sha256"] == digest and version_id not in removed:
                return version_id
        return None

    def tidy(self, retain_days: int, now: dt.datetime | None = None) -> list[str]:
        """Remove the raw workbooks and tables of drafts and returned versions never approved that were uploaded
        more than ``retain_days`` days ago (0 keeps them all; on PostgreSQL the database also checks its own
        retention); each removal is logged with what was removed, the version's record stays. Returns the
        versions removed now."""
        if retain_days <= 0:
            return []
        cutoff = (now or dt.datetime.now(dt.UTC)) - dt.timedelta(days=retain_days)
        removed: list[str] = []
        with self.locked():
            events = self.backend.read_log()
            ever_approved = {e["version"] for e in events if e.get("action") == "approved"}
            gone = {e["version"] for e in events if e.get("action") == "removed"}
            statuses = self.statuses()
            for version_id, meta in self.backend.metas().items():
                if version_id in gone or version_id in ever_approved:
                    continue
                if statuses[version_id]["status"] not in ("draft", "returned"):
                    continue
                uploaded = dt.datetime.fromisoformat(str(meta.get("uploaded_at")))
                if uploaded.tzinfo is None:
                    uploaded = uploaded.replace(tzinfo=dt.UTC)
                if uploaded >= cutoff:
                    continue
                names = self.backend.remove_unapproved(version_id)
                if not names:  # the database's own retention refused it (not old enough for it): nothing to log
                    continue
                tables = [n for n in names if n.startswith(TABLES_PREFIX)]
                self._append_log(
                    {
                        "at": now_iso(),
                        "action": "removed",
                        "version": version_id,
                        "user": "system",
                        "method": "system",
                        "note": f"a version never approved ({meta.get('file_name')}, uploaded by "
                        f"{meta.get('uploaded_by')}), removed after {retain_days} days (setting "
                        f"RETAIN_UNAPPROVED_DAYS): {'the raw workbook' if UPLOAD in names else 'no workbook'} and "
                        f"{len(tables)} table(s) ({', '.join(n.removeprefix(TABLES_PREFIX) for n in tables)}); "
                        "its record stays",
                    }
                )
                removed.append(version_id)
        return removed

    # --- status --------------------------------------------------------------------------------------

    def statuses(self) -> dict[str, dict]:
        """Each version's status and last review, replayed from the log."""
        state: dict[str, dict] = {
            v: {"status": "draft", "reviewer": None, "reviewed_at": None, "note": None} for v in self.version_ids()
        }
        for event in self.log().to_dict("records"):
            entry = state.get(event["version"])
            if entry is None or event["action"] not in STATUS_BY_ACTION:
                continue
            entry["status"] = STATUS_BY_ACTION[event["action"]]
            if event["action"] == "submitted":
                entry.update(reviewer=None, reviewed_at=None, note=event["note"])
            elif event["action"] in ("approved", "returned"):
                entry.update(reviewer=event["user"], reviewed_at=event["at"], note=event["note"])
        approved = self.approved_id()
        if approved in state:
            state[approved]["status"] = "approved"
        return state

    def status(self, version_id: str) -> str:
        """A version's current status: draft, submitted, approved or returned."""
        self._check_id(version_id)
        return self.statuses()[version_id]["status"]

    def _transition(self, version_id: str, action: str, actor: Identity, note: str) -> None:
        self._check_id(version_id)
        self.require(actor, PERMISSION[action], _("version {version}").format(version=version_id), version_id)
        with self.locked():
            self._check_status(version_id, action)
            self._check_actor(version_id, action, actor)
            self._append_log({"at": now_iso(), "action": action, "version": version_id, **_who(actor), "note": note})

    def _check_actor(self, version_id: str, action: str, actor: Identity) -> bool:
        """Refuse (and log) what the role table alone does not decide: an analyst submits only their own
        upload; nobody approves their own upload while FOUR_EYES is 1. Returns whether this is an approval of
        one's own upload allowed because the rule is off (the caller logs it)."""
        uploader = normal_email(str(self.meta(version_id).get("uploaded_by", "")))
        own = uploader == normal_email(actor.email) and actor.method != "system"
        refusal = None
        if action == "submitted" and not own and not allowed(actor, Action.VIEW_DRAFTS):
            refusal = _(
                "Only the person who uploaded version {version} ({uploader}) or a programme manager may submit it."
            ).format(version=version_id, uploader=uploader)
        if action == "approved" and own and setting("FOUR_EYES") != "0":
            refusal = _(
                "Version {version} was uploaded by {email}, so someone else must approve it (the four-eyes "
                "rule; a one-person team may turn it off with the setting FOUR_EYES=0)."
            ).format(version=version_id, email=actor.email)
        if refusal:
            error = PermissionRefused(refusal)
            self.record_refusal(actor, error, version_id)
            raise error
        return action == "approved" and own

    def _check_status(self, version_id: str, action: str) -> None:
        current = self.status(version_id)
        if current not in ALLOWED[action]:
            allowed = _(" or ").join(_(STATUS_WORDS.get(s, s)) for s in sorted(ALLOWED[action]))
            raise StoreError(
                _("version {version} is {status}; only a {allowed} version can be {action}").format(
                    version=version_id,
                    status=_(STATUS_WORDS.get(current, current)),
                    allowed=allowed,
                    action=_(STATUS_WORDS.get(action, action)),
                )
            )

    def _point_to(self, version_id: str, actor: Identity, at: str, note: str) -> None:
        pointer = {
            "version": version_id,
            "approved_by": actor.email,
            "approved_method": actor.method,
            "approved_at": at,
            "note": note,
        }
        self.backend.write_pointer(pointer)

    def _refuse_stale(self, version_id: str) -> None:
        """A version holds the approved data it was built on plus its upload; approving it over a newer
        approval would silently undo that approval, so it is refused."""
        base, current = self.meta(version_id).get("base_version"), self.approved_id()
        if base != current:
            raise StoreError(
                _(
                    "version {version} was checked against version {base}, but version {current} has "
                    "been approved since; its changes must be re-applied onto the approved data first: review it on "
                    "the Review page (or with the command line's approve), which shows them recomputed"
                ).format(version=version_id, base=base or _("(none)"), current=current)
            )

    def submit(self, version_id: str, actor: Identity, note: str = "") -> None:
        """Send a draft (or a returned version) for review (not one whose workbook retention removed)."""
        self.raw_bytes(version_id)  # refuses, with its sentence, a version whose workbook was removed
        self._transition(version_id, "submitted", actor, note)

    def approve(
        self,
        version_id: str,
        actor: Identity,
        note: str = "",
        *,
        onto: str | None | object = ANY,
        reapplied: StagedVersion | None = None,
        overridden: str = "",
    ) -> str:
        """Make a submitted version the approved data, in one atomic step; returns the version now approved.

        ``onto`` is the approved version the reviewer's changes were computed against: when another one is
        approved by now, ``ApprovedMoved`` is raised and nothing changes (compute the changes again). A version
        checked against an older approval is approved only as ``reapplied``: its changes re-applied onto
        ``onto``, staged with ``stage_version``; that becomes a new version (``reapplied_from`` in its record)
        which is the one approved. ``overridden`` lists conflicting cells where the upload's values were
        taken; it is logged. Everything is checked and done under the store's lock. ``actor`` needs the APPROVE
        permission, and may not be who uploaded the version (the four-eyes rule, setting FOUR_EYES).
        """
        self._check_id(version_id)
        self.require(actor, Action.APPROVE, _("version {version}").format(version=version_id), version_id)
        with self.locked():
            self._check_status(version_id, "approved")
            own_upload = self._check_actor(version_id, "approved", actor)
            current = self.approved_id()
            if onto is not ANY and onto != current:
                raise ApprovedMoved(
                    _(
                        "version {current} was approved while version {version} was being reviewed "
                        "against version {onto}; its changes must be computed again"
                    ).format(current=current or _("(none)"), version=version_id, onto=onto or _("(none)"))
                )
            at = now_iso()
            published = version_id
            if reapplied is None:
                self._refuse_stale(version_id)
            else:
                meta = self.meta(version_id)
                published = self._commit_locked(
                    reapplied,
                    {
                        **{k: meta.get(k) for k in ("file_name", "uploaded_by", "uploaded_at")},
                        "illustrative": bool(meta.get("illustrative"))
                        or bool(current and self.meta(current).get("illustrative")),
                        "base_version": current,
                        "reapplied_from": version_id,
                        "reapplied_by": actor.email,
                        "reapplied_at": at,
                    },
                    actor,
                    f"version {version_id}'s changes re-applied onto approved version {current or '(none)'}",
                )
            if own_upload:
                self._append_log(
                    {
                        "at": at,
                        "action": "four-eyes rule off",
                        "version": version_id,
                        **_who(actor),
                        "note": "approved by the person who uploaded it (setting FOUR_EYES=0)",
                    }
                )
            if overridden:
                self._append_log(
                    {
                        "at": at,
                        "action": "conflicts overridden",
                        "version": version_id,
                        **_who(actor),
                        "note": "the upload's values taken over the values approved since:\n" + overridden,
                    }
                )
            self._point_to(published, actor, at, note)
            for approved in dict.fromkeys((version_id, published)):
                self._append_log({"at": at, "action": "approved", "version": approved, **_who(actor), "note": note})
            return published

    def return_version(self, version_id: str, actor: Identity, note: str) -> None:
        """Send a submitted version back to its analyst with a note saying why."""
        if not note.strip():
            raise StoreError(_("say why the version is returned: the note is what the analyst reads"))
        self._transition(version_id, "returned", actor, note)

    # --- the approved data ---------------------------------------------------------------------------

    def approved_meta(self) -> dict | None:
        """Which version is approved, by whom and when, with its upload's record; None when none is."""
        pointer = self.backend.read_pointer()
        if pointer is None:
            return None
        return {**self.meta(pointer["version"]), **pointer, "id": pointer["version"]}

    def approved_id(self) -> str | None:
        """The approved version's identifier, or None."""
        meta = self.approved_meta()
        return meta["id"] if meta else None

    def approved(self) -> Programme | None:
        """The approved programme, or None before anything is approved."""
        version_id = self.approved_id()
        return self.load(version_id) if version_id else None

    def versions(self) -> pd.DataFrame:
        """Every version with its status, newest first."""
        statuses, approved, metas = self.statuses(), self.approved_id(), self.backend.metas()
        rows = []
        for version_id in reversed(list(metas)):
            meta = metas[version_id]
            rows.append(
                {
                    "id": version_id,
                    **{
                        k: meta.get(k)
                        for k in (
                            "file_name",
                            "uploaded_by",
                            "uploaded_at",
                            "sha256",
                            "base_version",
                            "reapplied_from",
                            "illustrative",
                            "rows",
                        )
                    },
                    **statuses[version_id],
                    "is_approved": version_id == approved,
                }
            )
        return pd.DataFrame(rows, columns=VERSION_COLUMNS)

    def versions_for(self, actor: Identity | None) -> pd.DataFrame:
        """The versions ``actor`` may see: every one for a programme manager, their own and the approved one for
        an analyst, none for anyone else (donors see the approved data, never versions)."""
        if allowed(actor, Action.VIEW_DRAFTS):
            return self.versions()
        versions = self.versions()
        if not allowed(actor, Action.VIEW_OWN_DRAFTS):
            return versions.iloc[0:0]
        own = versions["uploaded_by"].fillna("").str.lower() == normal_email(actor.email)
        return versions[own | versions["is_approved"]]

    def data_version(self) -> str:
        """A key that changes whenever a version is added, reviewed or approved, here or on another server (for
        caches)."""
        return self.backend.change_key()


def _who(actor: Identity) -> dict:
    """How the log names who acted: their email and how they signed in (and, on the command line, the
    operating-system user who ran the command as that account)."""
    return {"user": actor.email, "method": actor.method} | ({"os_user": actor.os_user} if actor.os_user else {})


@lru_cache(maxsize=16)
def _load_tables(backend: Backend, version_id: str) -> Programme:
    """Versions never change once written, so each is read from storage once."""
    files = backend.read_files(version_id, TABLES_PREFIX)
    return Programme(
        {t.name: conform(t, pd.read_parquet(io.BytesIO(files[f"{TABLES_PREFIX}{t.name}.parquet"]))) for t in TABLES}
    )
