"""Saved mappings: a mapping kept by name, per analyst or shared with the team, found again by its headers.

Each mapping is one document kept by the store's backend (``indicators/storage``), so saved mappings work
on every backend and a backup or ``store copy`` of the store carries them::

    mappings/<key>.json   {"name", "owner", "shared", "signature", "saved_at", "mapping": {...}}

In a folder store (setting STORE_DIR) that is the file ``<store folder>/mappings/<key>.json``, owner-only and
replaced atomically, the layout mappings have always had there; in a PostgreSQL store (STORE_URL) it is a
row of the ``documents`` table under that name. ``key`` is a digest of the owner (or "team") and the folded
name, so names are free text and never a path. A workbook arriving with the same headers as a saved mapping
(``read.mapping.header_signature``) is read through it again: the analyst's own mappings are tried first,
then the team's, newest first.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, replace
from typing import Protocol

from indicators.access.identity import Identity
from indicators.access.roles import Action, require
from indicators.domain.i18n import _
from indicators.domain.problems import ProjectError
from indicators.domain.reference import fold
from indicators.read.mapping import Mapping, MappingError, header_signature
from indicators.read.reader import RawWorkbook

TEAM = "team"
MAX_NAME = 80
PREFIX = "mappings/"  # the documents that are saved mappings


class Documents(Protocol):
    """Where saved mappings are kept: the document primitives of the store's backend."""

    def read_document(self, name: str) -> bytes | None: ...

    def write_document(self, name: str, data: bytes) -> None: ...

    def delete_document(self, name: str) -> bool: ...

    def document_names(self, prefix: str = "") -> list[str]: ...


@dataclass(frozen=True)
class SavedMapping:
    """A mapping saved by name: whose it is, whether the team shares it, and the headers it was made for."""

    name: str
    owner: str
    shared: bool
    signature: str
    saved_at: str
    mapping: Mapping

    def to_json(self) -> dict:
        return {
            "name": self.name,
            "owner": self.owner,
            "shared": self.shared,
            "signature": self.signature,
            "saved_at": self.saved_at,
            "mapping": self.mapping.to_json(),
        }


class SavedMappings:
    """The saved mappings of a store (its backend's documents): save, list, find by headers, delete.

    ``store`` is a ``store.Store`` or its backend (anything with the document primitives).
    """

    def __init__(self, store: object) -> None:
        self.documents: Documents = getattr(store, "backend", store)

    @staticmethod
    def document_name(owner: str, shared: bool, name: str) -> str:
        """The document a mapping of this name is kept as: ``mappings/<key>.json`` (the same key as ever)."""
        key = hashlib.sha256(f"{TEAM if shared else owner}\n{fold(name)}".encode()).hexdigest()[:24]
        return f"{PREFIX}{key}.json"

    def save(
        self, mapping: Mapping, raw: RawWorkbook, name: str, actor: Identity | None, shared: bool = False
    ) -> SavedMapping:
        """Save a mapping under a name (replacing the actor's, or the team's, mapping of that name).

        Needs the MANAGE_MAPPINGS permission (analysts and programme managers).
        """
        require(actor, Action.MANAGE_MAPPINGS)
        owner = actor.email
        name = " ".join(name.split())
        if not name or len(name) > MAX_NAME:
            raise MappingError(
                _("Give the mapping a name of 1 to {count} characters, e.g. 'Serbia monitoring sheet'.").format(
                    count=MAX_NAME
                )
            )
        signature = header_signature(raw, mapping)
        if signature is None:
            raise MappingError(_("The mapping names a sheet this workbook does not have; choose the sheet again."))
        saved_at = dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")
        saved = SavedMapping(name, owner, shared, signature, saved_at, replace(mapping, name=name))
        document = json.dumps(saved.to_json(), ensure_ascii=False, indent=2).encode()
        self.documents.write_document(self.document_name(owner, shared, name), document)  # replaced whole
        return saved

    def all(self) -> list[SavedMapping]:
        """Every saved mapping, newest first; an unreadable document is skipped (it is never executed)."""
        found = []
        for document in self.documents.document_names(PREFIX):
            if not document.endswith(".json") or "/" in document[len(PREFIX) :]:
                continue
            try:
                data = json.loads(self.documents.read_document(document) or b"")
                found.append(
                    SavedMapping(
                        str(data["name"]),
                        str(data["owner"]),
                        bool(data["shared"]),
                        str(data["signature"]),
                        str(data["saved_at"]),
                        Mapping.from_json(data["mapping"]),
                    )
                )
            except (OSError, ValueError, KeyError, TypeError, ProjectError):
                continue
        return sorted(found, key=lambda s: s.saved_at, reverse=True)

    def visible_to(self, owner: str) -> list[SavedMapping]:
        """The mappings someone may use: their own first, then the team's; newest first within each."""
        every = self.all()
        return [s for s in every if s.owner == owner and not s.shared] + [s for s in every if s.shared]

    def find(self, raw: RawWorkbook, owner: str) -> SavedMapping | None:
        """The saved mapping made for a workbook with these headers, if one (the owner's before the team's)."""
        for saved in self.visible_to(owner):
            if header_signature(raw, saved.mapping) == saved.signature:
                return saved
        return None

    def delete(self, name: str, actor: Identity | None, shared: bool = False) -> bool:
        """Delete one's own saved mapping, or a team one (MANAGE_MAPPINGS); whether there was one."""
        require(actor, Action.MANAGE_MAPPINGS)
        return self.documents.delete_document(self.document_name(actor.email, shared, name))
