"""Files a person downloads: made when asked for, handed to their browser only (never at a server address),
CSV with inert text and the demo notice, the semester summary with headers in the page's language."""

from __future__ import annotations

import base64
import re
import secrets
from collections.abc import Callable

import pandas as pd
import streamlit as st

from indicators.domain.i18n import N_, _
from indicators.domain.reference import ILLUSTRATIVE_NOTICE
from indicators.present.export import csv_export
from ui import data

_SAFE_NAME = re.compile(r"[^\w.-]+")


def download(label: str, make: Callable[[], bytes], file_name: str, mime: str, key: str) -> None:
    """A download made when it is asked for, for the person asking, and handed to their browser only.

    st.download_button stores the file on the server at a /media/<hash> address that anyone holding it can
    fetch without a session, for as long as the server keeps it (a deferred callable does the same once
    clicked). Here the button reruns the page; ``make`` builds the file then (from what this person may see),
    and the bytes travel over this session's own connection to a script that saves them from a blob: address,
    which exists only in this browser tab. Nothing is ever at a server address."""
    if not st.button(label, key=key, icon=":material/download:"):
        return
    payload = base64.b64encode(make()).decode("ascii")
    name = _SAFE_NAME.sub("_", file_name)
    nonce = secrets.token_hex(8)
    st.html(
        f"""<script>
(() => {{
  const seen = (window.ppdDownloads ??= new Set());
  if (seen.has("{nonce}")) return;
  seen.add("{nonce}");
  const bytes = Uint8Array.from(atob("{payload}"), c => c.charCodeAt(0));
  const url = URL.createObjectURL(new Blob([bytes], {{type: "{mime}"}}));
  const link = document.createElement("a");
  link.href = url;
  link.download = "{name}";
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
}})();
</script>""",
        unsafe_allow_javascript=True,  # our own script; the only data in it is base64 and a cleaned file name
    )


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """A table as CSV with inert text, the demo notice when the data are illustrative, and the footnote."""
    meta = data.approved_meta()
    return csv_export(frame, notes=[_(ILLUSTRATIVE_NOTICE)] if meta and meta.get("illustrative") else [])


SUMMARY_HEADERS = {  # the CSV a person opens in Excel: headers in the language of the page
    "indicator_id": N_("Indicator"),
    "title": N_("Title"),
    "beneficiary_name": N_("Beneficiary"),
    "semester_label": N_("Semester"),
    "unit": N_("Unit"),
    "baseline": N_("Baseline"),
    "baseline_display": N_("Baseline"),
    "target": N_("Target"),
    "actual": N_("Actual"),
    "actual_display": N_("Actual"),
    "progress_percent": N_("Progress (%, 100 = target reached)"),
    "status_label": N_("Status"),
    "text": N_("Reported text"),
}


def summary_csv(status: pd.DataFrame, donor: bool = False) -> bytes:
    """The semester's indicator rows (from ``readable``) as CSV; donors get the texts of the donor view
    ('<5' and '[c]' where a figure is hidden), others the figures."""
    dropped = ("baseline", "actual") if donor else ("baseline_display", "actual_display")
    if "progress" in status:  # a share (1.33) as a whole percentage (133), the unit in the header
        status = status.assign(progress_percent=(status["progress"].astype("Float64") * 100).round(0))
    headers = {k: _(v) for k, v in SUMMARY_HEADERS.items() if k in status.columns and k not in dropped}
    return csv_bytes(status[list(headers)].rename(columns=headers))
