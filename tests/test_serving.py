"""Served safely by default: `make run` on this machine only, the websocket's host names limited, XSRF on."""

from __future__ import annotations

import os
import subprocess
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def config() -> dict:
    return tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())


def test_streamlit_listens_on_this_machine_and_limits_host_names() -> None:
    server = config()["server"]
    assert server["address"] == "127.0.0.1"
    assert set(server["allowedHosts"]) == {"localhost", "127.0.0.1"}
    assert server["enableXsrfProtection"] is True


def make_run(**env: str) -> str:
    """The commands `make run` would run (make -n runs nothing)."""
    environment = {k: v for k, v in os.environ.items() if k != "PPD_ADDRESS"} | env
    return subprocess.run(
        ["make", "-n", "run"], cwd=ROOT, env=environment, capture_output=True, text=True, check=True
    ).stdout


def test_make_run_listens_on_localhost_unless_the_setting_says_otherwise() -> None:
    assert "--server.address 127.0.0.1" in make_run()
    assert "--server.address 0.0.0.0" in make_run(PPD_ADDRESS="0.0.0.0")
