"""Command line for analysts' batch work and for administrators.

python -m indicators validate FILE [--json]    exit 0 valid, 1 problems (listed), 2 not a readable workbook
python -m indicators import FILE --as EMAIL     stores it as a draft version uploaded by that account
python -m indicators template OUT.xlsx          writes the blank monitoring workbook
python -m indicators template OUT.xlsx --semester ID [--for EMAIL | --beneficiary CODE ...]
                                               writes the semester workbook to fill (an analyst's: theirs only)
python -m indicators users add|list|set-role|disable|enable|reset-password ...   accounts and roles
python -m indicators setup-link [--url URL]     the one-time link that creates the first administrator
python -m indicators store migrate [--grant-to ROLE]   creates or upgrades the STORE_URL database's tables
python -m indicators store copy --from DIR_OR_URL --to DIR_OR_URL   copies a whole store into an empty one
python -m indicators store verify [--json]      checks the log's hash chain and every version's SHA-256 and row
                                               counts (exit 0 sound, 1 not); prints one digest of the whole store
python -m indicators mapping suggest FILE [--sheet NAME]  prints the mapping proposed for a workbook as JSON
(validate and import also take --mapping MAP.json: a workbook in another layout read through that mapping)
python -m indicators versions [--json]         every version, and what approving each submitted one changes now
python -m indicators submit ID --as EMAIL [--note TEXT]    sends a draft (or a returned version) for review
python -m indicators approve ID --as EMAIL [--note TEXT]   prints its changes against the approved data of now
                                                           and approves exactly those
python -m indicators return ID --as EMAIL --note TEXT      returns it (with the list of conflicts, if any)
    (approve and return read the account's password or personal token, ``users issue-token``, from standard
    input, unless the setting CLI_TRUSTED is 1; the four-eyes rule holds either way)
python -m indicators report --semester ID --format pdf|pptx|xlsx|iati --audience manager|donor --out FILE
                                               exit 0 written, 1 no approved data for the semester, 2 bad argument
python -m indicators --lang fr ...              messages in French (default: the setting DEFAULT_LANGUAGE); the
                                               commands, options, JSON keys and exit codes are the same

Every command works on the store of the settings: the STORE_URL database when it is set, else the STORE_DIR
folder (``users`` and ``setup-link`` included). Whoever runs these commands can read and write the store (its
files, or the database with the app's credentials), so the ``users`` commands act as an administrator; they
are logged with the login name and the method ``cli``. ``import``, ``submit``, ``approve`` and ``return`` act
as the account ``--as`` names, logged with the operating-system user beside it; ``approve`` and ``return``
also need that account's password or personal token on standard input (unless CLI_TRUSTED is 1).
"""

from __future__ import annotations

import argparse
import getpass
import json
import math
import sys
from dataclasses import replace
from pathlib import Path

from indicators.access.accounts import password_problem
from indicators.access.identity import Identity
from indicators.access.roles import ROLES, Action, role_name
from indicators.domain import i18n
from indicators.domain.i18n import N_, _
from indicators.domain.periods import semester_label
from indicators.domain.problems import ERROR, ProjectError
from indicators.domain.reference import KOSOVO_FOOTNOTE
from indicators.domain.settings import setting, setting_float, store_location

EXIT_OK, EXIT_PROBLEMS, EXIT_UNREADABLE = 0, 1, 2
DESCRIPTION = N_("Command line for analysts' batch work and for administrators.")
EXIT_REFUSED = 2  # a command refused (unknown account, a role that may not do it, a conflict): the sentence says why
# Words of the listings: a version's status and a row's change, as people read them (the JSON keeps the codes).
STATUS_WORDS = {
    "draft": N_("draft"),
    "submitted": N_("submitted"),
    "approved": N_("approved"),
    "returned": N_("returned"),
}
ROW_CHANGES = {"added": N_("row added"), "removed": N_("row removed")}
AUDIENCES = {"manager": N_("manager"), "donor": N_("donor")}


def _footnote() -> str:
    """The Kosovo* footnote in the language of the messages."""
    return _(KOSOVO_FOOTNOTE)


def _severity(problem) -> str:  # noqa: ANN001 - Problem
    """ERROR or WARNING as a listing starts its line, in the language of the messages."""
    word = _("ERROR") if problem.severity == ERROR else _("WARNING")
    return f"{word:8}"


def _cli_admin() -> Identity:
    """Who runs the ``users`` commands: the login name, acting as an administrator (they hold the store's files)."""
    return Identity(getpass.getuser(), "admin", "cli", os_user=getpass.getuser())


def _users(args: argparse.Namespace) -> int:
    from indicators.store import Store

    accounts = Store(store_location()).accounts
    admin = _cli_admin()
    if args.action == "list":
        rows = [a.public() for a in accounts.all()]
        if args.json:
            print(json.dumps(rows, indent=2))
        elif not rows:
            print(_("No accounts yet: add one with  python -m indicators users add EMAIL --role admin"))
        for row in [] if args.json else rows:
            state = (
                _("disabled") if row["disabled"] else (_("must change password") if row["must_change"] else _("active"))
            )
            where = _(" for {beneficiaries}").format(beneficiaries=", ".join(row["beneficiaries"]))
            where = where if row["beneficiaries"] else ""
            print(f"{row['email']:40} {role_name(row['role']) + where:35} {state}")
        return EXIT_OK
    if args.action == "add":
        password = None
        if args.password_stdin:
            password = sys.stdin.readline().rstrip("\r\n")
            if problem := password_problem(password, args.email):
                raise ProjectError(_("The password was not accepted: {problem}.").format(problem=problem))
        given = accounts.add(admin, args.email, args.role, tuple(args.beneficiary or ()), password)
        email = args.email.strip().lower()
        print(_("Added {email} as {role}.").format(email=email, role=role_name(args.role)))
        if given:
            print(
                _("One-time password (give it to them once; it must be changed at first sign-in): {password}").format(
                    password=given
                )
            )
    elif args.action == "set-role":
        beneficiaries = tuple(args.beneficiary) if args.beneficiary else None
        accounts.set_role(admin, args.email, args.role, beneficiaries)
        print(_("{email} is now {role}.").format(email=args.email.strip().lower(), role=role_name(args.role)))
    elif args.action == "disable":
        accounts.disable(admin, args.email)
        print(
            _("{email} is disabled; a session it has ends at its next page view.").format(
                email=args.email.strip().lower()
            )
        )
    elif args.action == "enable":
        accounts.enable(admin, args.email)
        print(_("{email} is enabled again.").format(email=args.email.strip().lower()))
    elif args.action == "issue-token":
        token = accounts.issue_token(admin, args.email)
        print(
            _(
                "Personal token for {email} (give it to them once; it replaces any earlier one, and they pass it on "
                "standard input to approve and return): {token}"
            ).format(email=args.email.strip().lower(), token=token)
        )
    elif args.action == "revoke-token":
        accounts.revoke_token(admin, args.email)
        print(_("{email} has no personal token any more.").format(email=args.email.strip().lower()))
    elif args.action == "reset-password":
        given = accounts.reset_password(admin, args.email)
        print(
            _("One-time password for {email} (it must be changed at first sign-in): {password}").format(
                email=args.email.strip().lower(), password=given
            )
        )
    return EXIT_OK


def _setup_link(args: argparse.Namespace) -> int:
    from indicators.store import Store

    token = Store(store_location()).accounts.new_setup_token(setting_float("SETUP_LINK_MINUTES"))
    if token:
        minutes = setting_float("SETUP_LINK_MINUTES")
        print(
            "\n"
            + _("No account exists yet. Create the first administrator within {minutes} minutes, once, at:").format(
                minutes=f"{minutes:g}" if i18n.language() == i18n.SOURCE_LANGUAGE else i18n.number(minutes, 2)
            )
            + f"\n  {args.url.rstrip('/')}/?setup={token}\n"
            + _("(or on the command line: python -m indicators users add EMAIL --role admin)")
            + "\n"
        )
    return EXIT_OK


def _add_users_parser(commands: argparse._SubParsersAction) -> None:
    users = commands.add_parser("users", help=_("manage accounts and roles (as an administrator)"))
    actions = users.add_subparsers(dest="action", required=True)
    add = actions.add_parser("add", help=_("add an account; prints a one-time password unless --password-stdin"))
    add.add_argument("email")
    add.add_argument("--role", required=True, choices=ROLES)
    add.add_argument("--beneficiary", action="append", metavar="CODE", help=_("limit an analyst to a beneficiary"))
    add.add_argument("--password-stdin", action="store_true", help=_("read the password from the first line of stdin"))
    listing = actions.add_parser("list", help=_("every account with its role and state"))
    listing.add_argument("--json", action="store_true")
    set_role = actions.add_parser("set-role", help=_("give an account another role"))
    set_role.add_argument("email")
    set_role.add_argument("role", choices=ROLES)
    set_role.add_argument("--beneficiary", action="append", metavar="CODE", help=_("limit an analyst to a beneficiary"))
    for name, text in (
        ("disable", N_("disable an account (its sessions end)")),
        ("enable", N_("enable a disabled account")),
        ("reset-password", N_("give an account a new one-time password")),
        ("issue-token", N_("give an account a personal token for approve and return on the command line")),
        ("revoke-token", N_("remove an account's personal token")),
    ):
        actions.add_parser(name, help=_(text)).add_argument("email")


def _acting(store, email: str) -> Identity:  # noqa: ANN001 - Store
    """The account a command acts as (``--as EMAIL``), with its role now and the operating-system user who runs
    the command (logged beside it); the store and ingest check what it may do."""
    actor = store.accounts.identity(email, "cli")
    if actor is None:
        raise ProjectError(_("The account {email} is disabled; ask an administrator.").format(email=email))
    return replace(actor, os_user=getpass.getuser())


def _credential(args: argparse.Namespace) -> str:
    """The account's password or personal token: the first line of standard input (asked for, unechoed, when
    standard input is a terminal)."""
    if sys.stdin is None:
        return ""
    if sys.stdin.isatty():
        return getpass.getpass(_("Password or personal token of {email}: ").format(email=args.actor))
    return sys.stdin.readline().rstrip("\r\n")


def _proven(store, actor: Identity, args: argparse.Namespace) -> None:  # noqa: ANN001 - Store
    """``approve`` and ``return`` act for a person: refused (and logged) unless the account's password or personal
    token is given on standard input, or the setting CLI_TRUSTED says the shell itself is trusted."""
    from indicators.access.sessions import Throttle

    if setting("CLI_TRUSTED") == "1":
        return
    throttle = Throttle(lambda: store.backend)
    keys = throttle.keys(actor.email, f"cli:{actor.os_user}")
    wait = throttle.attempt(keys)
    if wait > 0:
        error = ProjectError(
            _("Too many failed attempts: wait {seconds} seconds and try again.").format(seconds=math.ceil(wait))
        )
    elif store.accounts.check_credential(actor.email, _credential(args)):
        throttle.success(keys)
        return
    else:
        error = ProjectError(
            _(
                "{command} acts for {email}: give that account's password or personal token on standard input "
                "(for example: python -m indicators {command} {version} --as {email} < token.txt); an "
                "administrator issues a token with: python -m indicators users issue-token {email}. Nothing was "
                "changed."
            ).format(command=args.command, version=args.version, email=actor.email)
        )
    store.record_refusal(actor, error, args.version)
    raise error


def _versions(store, as_json: bool) -> int:  # noqa: ANN001 - Store
    """Every version; for each submitted one, what approving it would change now (recomputed)."""
    from indicators import ingest

    versions = store.versions()
    rows = []
    for row in versions.to_dict("records"):
        entry = {k: (None if v is None or v != v else v) for k, v in row.items()}
        if row["status"] == "submitted":
            review = ingest.review(store, row["id"])
            entry |= {
                "checked_against": review.base_version,
                "approved_now": review.approved_version,
                "reapplied": review.moved,
                "changes": len(review.changes),
                "conflicts": review.conflicts.to_dict("records"),
                "errors": review.errors,
                "problems": [p.__dict__ | {"message": p.message} for p in review.problems],
            }
        rows.append(entry)
    if as_json:
        print(json.dumps({"versions": rows, "footnote": _footnote()}, ensure_ascii=False, indent=2, default=str))
        return EXIT_OK
    if not rows:
        print(_("No version is stored yet."))
    none = _("(none)")
    for entry in rows:
        shown = _(" (approved data)") if entry["is_approved"] else ""
        if entry.get("reapplied_from"):
            shown += _(" (re-applies version {version})").format(version=entry["reapplied_from"])
        status = _(STATUS_WORDS.get(entry["status"], entry["status"]))
        print(
            f"{entry['id']}  {status:9}{shown}  {entry['file_name']}  "
            + _("by {email}").format(email=entry["uploaded_by"])
        )
        if entry["status"] == "submitted":
            state = "    " + _("{count} cell(s) change against version {version}").format(
                count=entry["changes"], version=entry["approved_now"] or none
            )
            if entry["reapplied"]:
                state += _(" (re-applied: it was checked against version {version})").format(
                    version=entry["checked_against"] or none
                )
            print(
                state
                + _("; {conflicts} conflict(s); {errors} error(s)").format(
                    conflicts=len(entry["conflicts"]), errors=entry["errors"]
                )
            )
    return EXIT_OK


def _change_lines(changes) -> list[str]:  # noqa: ANN001 - diff.CHANGE_COLUMNS frame
    lines = []
    empty = _("(empty)")
    for r in changes.itertuples():
        if r.change == "changed":
            lines.append(f"  {r.table} {r.key}: {r.column} {r.before or empty} -> {r.after or empty}")
        else:
            lines.append(f"  {r.table} {r.key}: {_(ROW_CHANGES.get(r.change, r.change))}")
    return lines


def _review_command(store, args: argparse.Namespace) -> int:  # noqa: ANN001 - Store
    """submit, approve or return a version as the account named by --as."""
    from indicators import ingest

    actor = _acting(store, args.actor)
    version = args.version
    if args.command in ("approve", "return"):
        _proven(store, actor, args)
    if args.command == "submit":
        store.submit(version, actor, args.note or "")
        print(_("Version {version} is submitted for review.").format(version=version))
        return EXIT_OK
    store.meta(version)  # an unknown version is refused before anything is computed
    action = Action.APPROVE if args.command == "approve" else Action.RETURN
    store.require(
        actor, action, _("version {version}").format(version=version), version
    )  # before a draft's changes are shown to anyone
    review = ingest.review(store, version)
    if args.command == "return":
        listed = _("Changed since by another approval:") + f"\n{review.conflict_note}" if len(review.conflicts) else ""
        store.return_version(version, actor, "\n\n".join(t for t in (args.note.strip(), listed) if t))
        print(_("Version {version} is returned to its analyst with the note.").format(version=version))
        return EXIT_OK
    none = _("(none)")
    lines = [
        _("Version {version} against the approved data of now (version {approved}):").format(
            version=version, approved=review.approved_version or none
        )
        + (
            _(" re-applied, as it was checked against version {base}").format(base=review.base_version or none)
            if review.moved
            else ""
        ),
        *_change_lines(review.changes),
        _("{count} change(s).").format(count=len(review.changes)),
    ]
    if any("XKX" in line for line in lines):
        lines.append(_footnote())
    print("\n".join(lines))
    if review.problems:
        print("\n".join(f"{_severity(p)} {p.message}" for p in review.problems), file=sys.stderr)
    if len(review.conflicts):
        print(_("Conflicts with approvals since:") + "\n" + review.conflict_note, file=sys.stderr)
        raise ProjectError(
            _(
                "Version {version} was not approved: {count} cell(s) it changes were also changed by an "
                "approval since. Return it with the list (python -m indicators return {version} --as EMAIL --note "
                "TEXT), or approve it taking the upload's values on the Review page."
            ).format(version=version, count=len(review.conflicts))
        )
    published = ingest.approve(store, version, actor, args.note or "", seen=review.fingerprint)
    if published == version:
        print(_("Version {version} is approved: the changes above are the approved data now.").format(version=version))
    else:
        print(
            _(
                "Version {version} is approved (its changes re-applied, stored as version {published}): the changes "
                "above are the approved data now."
            ).format(version=version, published=published)
        )
    return EXIT_OK


def _read_file(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as error:
        raise ProjectError(_("Cannot open {path}: {error}.").format(path=path, error=error.strerror or error)) from None


def _report(result, file_name: str, as_json: bool, out=sys.stdout) -> None:  # noqa: ANN001 - IngestResult
    if as_json:
        payload = {
            "file": file_name,
            "valid": result.ok,
            "message": result.message,
            "errors": result.errors,
            "warnings": result.warnings,
            "version": result.version_id,
            "duplicate_of": result.duplicate_of,
            "problems": [p.__dict__ | {"message": p.message} for p in result.problems],
            "rows": result.rows,
            "footnote": _footnote(),
            "changes": result.change_summary.to_dict("records") if result.ok else [],
        }
        print(json.dumps(payload, ensure_ascii=False, indent=2), file=out)
        return
    if result.message:
        print(result.message, file=out)
        return
    lines = [f"{_severity(problem)} {problem.message}" for problem in result.problems]
    lines.append(
        _("{file}: {errors} error(s), {warnings} warning(s).").format(
            file=file_name, errors=result.errors, warnings=result.warnings
        )
    )
    if result.ok:
        summary = result.change_summary
        changed = summary[(summary[["added", "changed", "removed"]].sum(axis=1)) > 0]
        lines += [
            "  "
            + _("{table}: {added} added, {changed} changed, {removed} removed").format(
                table=_(r.table), added=r.added, changed=r.changed, removed=r.removed
            )
            for r in changed.itertuples()
        ]
    if any("Kosovo*" in line for line in lines):
        lines.append(_footnote())
    print("\n".join(lines), file=out)


def _mapping(path: str | None):  # noqa: ANN202 - Mapping | None, imported late like the rest of the core
    """The mapping in a JSON file, or None without one; a broken file is one sentence (ProjectError)."""
    if path is None:
        return None
    from indicators.read.mapping import Mapping, MappingError

    try:
        return Mapping.loads(_read_file(path))
    except MappingError as error:
        raise MappingError(f"{path}: {error}") from None


def _suggest(args: argparse.Namespace) -> int:
    """Print the mapping proposed for a workbook as JSON; what is left to do goes to stderr."""
    from indicators.ingest import default_store, mapping_suggestion

    suggestion = mapping_suggestion(_read_file(args.file), Path(args.file).name, default_store(), args.sheet)
    print(json.dumps(suggestion.to_json(), ensure_ascii=False, indent=2))
    for label, meaning in suggestion.recognised.items():
        print(f"  {label!r}: {meaning}", file=sys.stderr)
    for sentence in suggestion.needs:
        print(sentence, file=sys.stderr)
    for match in suggestion.matches.values():
        if match.how == "suggested":
            print(
                _(
                    'Confirm: {text} looks like {indicator} ({title}); if so, add it to "indicators" in the mapping.'
                ).format(text=repr(match.text), indicator=match.suggestion, title=match.title),
                file=sys.stderr,
            )
    return EXIT_OK


def _exit_code(result) -> int:  # noqa: ANN001
    if result.message:
        return EXIT_UNREADABLE
    return EXIT_OK if result.ok else EXIT_PROBLEMS


def _report_command(args: argparse.Namespace) -> int:
    """Write one format of the semester report: exit 0 written, 1 no approved data, 2 bad argument."""
    from indicators.domain.periods import PeriodError, semester_from_id
    from indicators.ingest import default_store
    from indicators.present import reports

    try:
        semester = semester_from_id(args.semester).id
    except PeriodError as error:
        print(f"{error}.", file=sys.stderr)
        return EXIT_UNREADABLE
    out = Path(args.out)
    if not out.parent.is_dir():
        print(
            _("Cannot write {file}: the folder {folder} does not exist.").format(file=args.out, folder=out.parent),
            file=sys.stderr,
        )
        return EXIT_UNREADABLE
    try:
        store = default_store()
        meta = store.approved_meta()
        source = (
            reports.Source(meta["id"], meta.get("approved_at", ""), bool(meta.get("illustrative"))) if meta else None
        )
        content = reports.report_content(store.approved(), source, semester, args.audience)
        report = reports.build_report(content, args.format)
    except reports.NoApprovedData as error:
        print(str(error), file=sys.stderr)
        return EXIT_PROBLEMS
    except ProjectError as error:
        print(str(error), file=sys.stderr)
        return EXIT_UNREADABLE
    except Exception as error:  # noqa: BLE001 - the command line never shows a traceback
        print(
            _("Unexpected problem ({error}); no report was written. Please report it.").format(
                error=type(error).__name__
            ),
            file=sys.stderr,
        )
        return EXIT_UNREADABLE
    try:
        out.write_bytes(report.data)
    except OSError as error:
        print(_("Cannot write {file}: {error}.").format(file=args.out, error=error.strerror or error), file=sys.stderr)
        return EXIT_UNREADABLE
    print(
        _("Wrote the {audience} {format} report for {semester} ({name}) to {file}").format(
            audience=_(AUDIENCES[args.audience]),
            format=args.format,
            semester=content.label,
            name=report.file_name,
            file=args.out,
        )
    )
    return EXIT_OK


def _language(argv: list[str]) -> tuple[str, list[str]]:
    """The language of the messages (``--lang`` before or after the command, else the setting DEFAULT_LANGUAGE)
    and the arguments without ``--lang``."""
    early = argparse.ArgumentParser(prog="python -m indicators", add_help=False)
    early.add_argument("--lang", choices=list(i18n.LANGUAGES), default=None)
    known, rest = early.parse_known_args(argv)
    return known.lang or i18n.supported(setting("DEFAULT_LANGUAGE")) or i18n.SOURCE_LANGUAGE, rest


def main(argv: list[str] | None = None) -> int:
    """Run one command with its messages in the language of ``--lang`` (or the setting DEFAULT_LANGUAGE)."""
    language, rest = _language(sys.argv[1:] if argv is None else list(argv))
    with i18n.using(language):
        return _main(rest)


def _main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m indicators", description=_(DESCRIPTION))
    parser.add_argument(
        "--lang",
        choices=list(i18n.LANGUAGES),
        default=None,
        help=_("the language of the messages: en or fr (default: the setting DEFAULT_LANGUAGE)"),
    )
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("validate", help=_("check a monitoring workbook and list every problem"))
    check.add_argument("file")
    check.add_argument("--json", action="store_true", help=_("print the report as JSON"))
    store_it = commands.add_parser("import", help=_("store a workbook as a new draft version"))
    store_it.add_argument("file")
    store_it.add_argument(
        "--as",
        "--user",
        dest="user",
        default=None,
        metavar="EMAIL",
        help=_("the account that uploads (analyst or manager)"),
    )
    store_it.add_argument("--json", action="store_true")
    for sub in (check, store_it):
        sub.add_argument(
            "--mapping", default=None, help=_("read a workbook in another layout through this JSON mapping")
        )
    blank = commands.add_parser("template", help=_("write the blank monitoring workbook"))
    blank.add_argument("out")
    _add_semester_workbook_options(blank)
    _add_users_parser(commands)
    link = commands.add_parser("setup-link", help=_("print the one-time link that creates the first administrator"))
    link.add_argument("--url", default="http://localhost:8501", help=_("where the app is served"))
    _add_store_commands(commands)
    mappings = commands.add_parser("mapping", help=_("mappings of workbooks kept in another layout"))
    mapping_commands = mappings.add_subparsers(dest="mapping_command", required=True)
    suggest = mapping_commands.add_parser("suggest", help=_("print the mapping proposed for a workbook as JSON"))
    suggest.add_argument("file")
    suggest.add_argument(
        "--sheet", default=None, help=_("the sheet to map (default: the one that looks most like data)")
    )
    listing = commands.add_parser("versions", help=_("every version, and what approving each submitted one changes"))
    listing.add_argument("--json", action="store_true", help=_("print them as JSON"))
    for name, text in (
        ("submit", N_("send a draft or returned version for review")),
        ("approve", N_("approve a submitted version: prints its changes against the approved data of now")),
        ("return", N_("return a submitted version to its analyst with a note")),
    ):
        acting = commands.add_parser(name, help=_(text))
        acting.add_argument("version", metavar="ID", help=_("the version, e.g. 000012"))
        acting.add_argument("--as", dest="actor", required=True, metavar="EMAIL", help=_("the account that acts"))
        acting.add_argument("--note", required=name == "return", default="", metavar="TEXT")
    pack = commands.add_parser("report", help=_("write a semester report from the approved version"))
    pack.add_argument("--semester", required=True, help=_("semester identifier, e.g. 2025NovS1"))
    pack.add_argument("--format", required=True, choices=["pdf", "pptx", "xlsx", "iati"])
    pack.add_argument("--audience", required=True, choices=["manager", "donor"])
    pack.add_argument("--out", required=True, help=_("the file to write"))
    args = parser.parse_args(argv)
    if args.command == "report":
        return _report_command(args)
    if args.command == "store":
        return _store_command(args)

    from indicators import ingest
    from indicators.ingest import default_store
    from indicators.present import template

    try:
        if args.command == "users":
            return _users(args)
        if args.command == "setup-link":
            return _setup_link(args)
        if args.command == "versions":
            return _versions(default_store(), args.json)
        if args.command in ("submit", "approve", "return"):
            return _review_command(default_store(), args)
        if args.command == "template" and (args.semester or args.beneficiary or args.account):
            return _semester_workbook(default_store(), args)
        if args.command == "template":
            store = default_store()
            Path(args.out).write_bytes(template.template_bytes(lists_from=store.approved()))
            print(_("Wrote the monitoring workbook template to {file}").format(file=args.out))
            return EXIT_OK
        if args.command == "mapping":
            return _suggest(args)
        mapping = _mapping(args.mapping)
        data = _read_file(args.file)
        store = default_store()
        importing = args.command == "import"
        actor = _acting(store, args.user or getpass.getuser()) if importing else None
        result = ingest.ingest(data, Path(args.file).name, actor, store, save=importing, mapping=mapping)
        # import: the report goes to stderr so that stdout holds only the version id, for scripts
        _report(result, Path(args.file).name, args.json, out=sys.stderr if importing and not args.json else sys.stdout)
        if importing and result.ok and not args.json:
            if result.duplicate_of:
                print(
                    _("These exact bytes were already stored as version {version}.").format(
                        version=result.duplicate_of
                    ),
                    file=sys.stderr,
                )
            else:
                print(_("Stored as a draft version; submit it for review in the app."), file=sys.stderr)
            print(result.duplicate_of or result.version_id)
        return _exit_code(result)
    except ProjectError as error:
        print(str(error), file=sys.stderr)
        return EXIT_REFUSED
    except Exception as error:  # noqa: BLE001 - the command line never shows a traceback
        print(
            _("Unexpected problem ({error}); the file was not stored. Please report it.").format(
                error=type(error).__name__
            ),
            file=sys.stderr,
        )
        return EXIT_UNREADABLE


def _add_semester_workbook_options(blank: argparse.ArgumentParser) -> None:
    """``template OUT.xlsx --semester ID [--for EMAIL | --beneficiary CODE ...]``: the semester workbook."""
    blank.add_argument(
        "--semester", metavar="ID", help=_("write the semester workbook of this semester (e.g. 2026NovS2) instead")
    )
    who = blank.add_mutually_exclusive_group()
    who.add_argument(
        "--for", dest="account", metavar="EMAIL", help=_("the analyst (or manager) it is for: their beneficiaries")
    )
    who.add_argument("--beneficiary", nargs="+", metavar="CODE", help=_("the beneficiaries it is for, e.g. MNE"))


def _semester_workbook(store, args: argparse.Namespace) -> int:  # noqa: ANN001 - Store
    """Write the semester workbook made for an account (``--for``) or, as whoever holds the store's files acting
    as a programme manager, for some beneficiaries (every one by default)."""
    from indicators import ingest

    if not args.semester:
        raise ProjectError(_("Say which semester the workbook is for: --semester ID (e.g. 2026NovS2)."))
    actor = _acting(store, args.account) if args.account else Identity(getpass.getuser(), "manager", "cli")
    made = ingest.semester_workbook(store, actor, args.semester, args.beneficiary or ())
    Path(args.out).write_bytes(made.data)
    print(
        _("Wrote the semester workbook for {beneficiaries}, {semester} ({rows} rows to fill) to {file}").format(
            beneficiaries=", ".join(made.beneficiaries),
            semester=semester_label(made.semester),
            rows=made.rows,
            file=args.out,
        )
    )
    if "XKX" in made.beneficiaries:
        print(_footnote())
    return EXIT_OK


def _add_store_commands(commands) -> None:  # noqa: ANN001 - argparse's subparsers action
    store = commands.add_parser("store", help=_("the store's database: migrate it, copy a whole store"))
    actions = store.add_subparsers(dest="store_command", required=True)
    migrate = actions.add_parser(
        "migrate", help=_("create or upgrade the tables of the STORE_URL database (run as the database's owner)")
    )
    migrate.add_argument("--grant-to", metavar="ROLE", help=_("the app's database role, granted the least it needs"))
    verify = actions.add_parser(
        "verify",
        help=_("check the store of the settings: the log's hash chain, every version's SHA-256 and row counts"),
    )
    verify.add_argument("--json", action="store_true", help=_("print the report as JSON"))
    copy = actions.add_parser(
        "copy", help=_("copy a whole store (folder or database) into an empty one, then check it")
    )
    copy.add_argument("--from", dest="source", required=True, metavar="DIR_OR_URL")
    copy.add_argument("--to", dest="target", required=True, metavar="DIR_OR_URL")


def _verify(args: argparse.Namespace) -> int:
    """Check the store of the settings: exit 0 when everything holds, 1 (each problem listed) when not."""
    from indicators.storage import open_backend
    from indicators.storage.verify import verify_store

    report = verify_store(open_backend(store_location()))
    if args.json:
        print(json.dumps(report.__dict__ | {"ok": report.ok}, indent=2))
        return EXIT_OK if report.ok else EXIT_PROBLEMS
    for problem in report.problems:
        print(f"{_severity_error()} {problem}", file=sys.stderr)
    before = _(" ({count} written before the chain began)").format(count=report.unchained) if report.unchained else ""
    print(
        (_("The store holds together:") if report.ok else _("The store does NOT hold together:"))
        + " "
        + _(
            "{versions} version(s), {files} file(s) (SHA-256 and row counts checked), {events} log event(s) in an "
            "unbroken hash chain{before}."
        ).format(versions=report.versions, files=report.files, events=report.events, before=before)
        + "\n"
        + _("Digest of the whole store: {digest}").format(digest=report.digest)
    )
    return EXIT_OK if report.ok else EXIT_PROBLEMS


def _severity_error() -> str:
    return f"{_('ERROR'):8}"


def _store_command(args: argparse.Namespace) -> int:
    from indicators.storage import is_url, open_backend
    from indicators.storage.transfer import copy_store

    try:
        if args.store_command == "migrate":
            from indicators.storage.postgres import latest_schema, migrate

            url = setting("STORE_URL").strip()
            if not url:
                print(
                    _("STORE_URL is empty: the store is the folder {folder}, which needs no migration.").format(
                        folder=setting("STORE_DIR")
                    )
                )
                return EXIT_OK
            applied = migrate(url, grant_to=args.grant_to)
            done = _("applied {migrations}").format(migrations=", ".join(applied)) if applied else _("nothing to apply")
            granted = _("; granted {role} what the app needs").format(role=args.grant_to) if args.grant_to else ""
            print(
                _("The store's database is at schema {schema} ({done}).").format(
                    schema=latest_schema(), done=done + granted
                )
            )
            return EXIT_OK
        if args.store_command == "verify":
            return _verify(args)
        if not is_url(args.source) and not (Path(args.source) / "versions").is_dir():
            raise ProjectError(
                _("There is no store in the folder {folder} (it has no versions folder).").format(folder=args.source)
            )
        source, target = open_backend(args.source), open_backend(args.target)
        report = copy_store(source, target)
        print(
            _(
                "Copied {versions} version(s) ({files} files, {rows} table rows), {events} log event(s) and "
                "{documents} document(s) from {source} to {target}; every version's SHA-256 and row counts checked."
            ).format(
                versions=report.versions,
                files=report.files,
                rows=report.rows,
                events=report.log_events,
                documents=report.documents,
                source=source.location,
                target=target.location,
            )
        )
        return EXIT_OK
    except ProjectError as error:
        print(str(error), file=sys.stderr)
        return EXIT_UNREADABLE


if __name__ == "__main__":
    sys.exit(main())
