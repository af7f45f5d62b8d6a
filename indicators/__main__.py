"""Command line for analysts' batch work.

python -m indicators validate FILE [--json]   exit 0 valid, 1 problems (listed), 2 not a readable workbook
python -m indicators import FILE [--user NAME] stores it as a draft version and prints its id
python -m indicators template OUT.xlsx         writes the blank monitoring workbook
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from pathlib import Path

from indicators.domain.problems import ProjectError
from indicators.domain.reference import KOSOVO_FOOTNOTE

EXIT_OK, EXIT_PROBLEMS, EXIT_UNREADABLE = 0, 1, 2


def _read_file(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as error:
        raise ProjectError(f"Cannot open {path}: {error.strerror or error}.") from None


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
            "footnote": KOSOVO_FOOTNOTE,
            "changes": result.change_summary.to_dict("records") if result.ok else [],
        }
        print(json.dumps(payload, ensure_ascii=False, indent=2), file=out)
        return
    if result.message:
        print(result.message, file=out)
        return
    lines = [f"{problem.severity.upper():8} {problem.message}" for problem in result.problems]
    lines.append(f"{file_name}: {result.errors} error(s), {result.warnings} warning(s).")
    if result.ok:
        summary = result.change_summary
        changed = summary[(summary[["added", "changed", "removed"]].sum(axis=1)) > 0]
        lines += [
            f"  {r.table}: {r.added} added, {r.changed} changed, {r.removed} removed" for r in changed.itertuples()
        ]
    if any("Kosovo*" in line for line in lines):
        lines.append(KOSOVO_FOOTNOTE)
    print("\n".join(lines), file=out)


def _exit_code(result) -> int:  # noqa: ANN001
    if result.message:
        return EXIT_UNREADABLE
    return EXIT_OK if result.ok else EXIT_PROBLEMS


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m indicators", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("validate", help="check a monitoring workbook and list every problem")
    check.add_argument("file")
    check.add_argument("--json", action="store_true", help="print the report as JSON")
    store_it = commands.add_parser("import", help="store a workbook as a new draft version")
    store_it.add_argument("file")
    store_it.add_argument("--user", default=None, help="who uploads (default: your login name)")
    store_it.add_argument("--json", action="store_true")
    blank = commands.add_parser("template", help="write the blank monitoring workbook")
    blank.add_argument("out")
    args = parser.parse_args(argv)

    from indicators import ingest
    from indicators.ingest import default_store
    from indicators.present import template

    try:
        if args.command == "template":
            store = default_store()
            Path(args.out).write_bytes(template.template_bytes(lists_from=store.approved()))
            print(f"Wrote the monitoring workbook template to {args.out}")
            return EXIT_OK
        data = _read_file(args.file)
        store = default_store()
        user = getattr(args, "user", None) or getpass.getuser()
        result = ingest.ingest(data, Path(args.file).name, user, store, save=args.command == "import")
        importing = args.command == "import"
        # import: the report goes to stderr so that stdout holds only the version id, for scripts
        _report(result, Path(args.file).name, args.json, out=sys.stderr if importing and not args.json else sys.stdout)
        if importing and result.ok and not args.json:
            if result.duplicate_of:
                print(f"These exact bytes were already stored as version {result.duplicate_of}.", file=sys.stderr)
            else:
                print("Stored as a draft version; submit it for review in the app.", file=sys.stderr)
            print(result.duplicate_of or result.version_id)
        return _exit_code(result)
    except ProjectError as error:
        print(str(error), file=sys.stderr)
        return EXIT_UNREADABLE
    except Exception as error:  # noqa: BLE001 - the command line never shows a traceback
        print(
            f"Unexpected problem ({type(error).__name__}); the file was not stored. Please report it.", file=sys.stderr
        )
        return EXIT_UNREADABLE


if __name__ == "__main__":
    sys.exit(main())
