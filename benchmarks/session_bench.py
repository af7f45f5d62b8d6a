"""New-session benchmark: what a new browser session costs the server, and 30 sessions opened at once.

    make bench   # or: .venv/bin/python benchmarks/session_bench.py [--sessions 10] [--concurrent 30]
                 #     [--baseline REF | --no-baseline] [--port PORT]

Starts ``streamlit run app.py`` on the demo data (PUBLIC_DONOR_VIEW on, a throw-away store holding a manager's
and a donor's account), warms it (one session of each kind, so the data and the figures are computed once), then
opens new sessions in Debian's headless chromium (never a downloaded browser), one after the other, each in a
new browser context that waits until the Overview has drawn its charts and the script has finished:
- the public donor view (a visitor not signed in), a donor and a programme manager (each with the session
  cookie of an earlier sign-in, so a new session, not a new sign-in);
- the server process's CPU time (user + system, ``/proc/<pid>/stat``) before and after, per session;
- then ``--concurrent`` public sessions opened at once: the time from opening them to each one's first chart.
The same is measured, in the same run, on the code of ``--baseline`` (a git revision, by default the code
before issue 27; extracted with ``git archive`` into a temporary folder and served with the same Python), so
the ratio to it is a same-machine, same-moment figure. It prints a table and writes
``benchmarks/session_results.md``. Goals: at most 0.1 s of server CPU per new session; every one of 30
sessions opened at once shows its first chart within 5 s. Tests never time anything.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import platform
import resource
import signal
import socket
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BASELINE = "2a7857d"  # the code before issue 27 (a new session then cost the server about 0.5 s of CPU)
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
CHART = '[data-testid="stPlotlyChart"]'
PASSWORD = "bench-" + os.urandom(9).hex()
ACCOUNTS = {"manager": "manager@example.org", "donor": "donor@example.org"}
KINDS = ("public", "donor", "manager")
GOAL_CPU_S, GOAL_FIRST_CHART_S = 0.1, 5.0
PAGE_TIMEOUT_S = 180  # a chromium page of the 30 opened at once that shows no chart by then counts as this
TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (all its threads), from /proc/<pid>/stat."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK  # utime and stime, fields 14 and 15 of the whole line


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


@dataclass
class Server:
    url: str
    pid: int


def _not_required(code: Path) -> list[str]:
    """The optional server packages uvicorn picks up when installed (its C event loop and HTTP parser) that the code
    in ``code`` does not require: the code before they were added is served without them."""
    required = (code / "requirements.txt").read_text()
    return [name for name in ("uvloop", "httptools") if f"{name}==" not in required]


@contextlib.contextmanager
def serve(code: Path, folder: Path, port: int) -> Iterator[Server]:
    """``streamlit run app.py`` of the code in ``code`` with a store in ``folder`` holding the two accounts;
    stopped with its process group whatever happens."""
    store_dir = folder / "store"
    env = {**os.environ, "PPD_STORE_DIR": str(store_dir), "PPD_PUBLIC_DONOR_VIEW": "1", "PYTHONUNBUFFERED": "1"}
    if hidden := _not_required(code):  # served as its own requirements would install it, in this shared virtualenv
        (folder / "hidden").mkdir()
        for name in hidden:
            stub = f"raise ModuleNotFoundError('{name}: not required by this code')\n"
            (folder / "hidden" / f"{name}.py").write_text(stub)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, (str(folder / "hidden"), env.get("PYTHONPATH"))))
    for role, email in ACCOUNTS.items():  # by the measured code's own command line: its store, its account format
        add = (sys.executable, "-m", "indicators", "users", "add", email, "--role", role, "--password-stdin")
        subprocess.run(add, cwd=code, env=env, input=PASSWORD.encode(), check=True, capture_output=True)
    command = [
        *(sys.executable, "-m", "streamlit", "run", "app.py"),
        *("--server.port", str(port), "--server.address", "127.0.0.1", "--server.headless", "true"),
        *("--browser.gatherUsageStats", "false"),  # otherwise as `make run` serves it (.streamlit/config.toml)
    ]
    url = f"http://127.0.0.1:{port}"
    with (folder / "streamlit.log").open("wb") as log:
        process = subprocess.Popen(
            command, cwd=code, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            deadline = time.monotonic() + 90
            while not _healthy(url):
                if process.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"the server did not start: {(folder / 'streamlit.log').read_text()[-2000:]}")
                time.sleep(0.25)
            yield Server(url, process.pid)
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait(timeout=10)


async def _finished(page) -> None:  # noqa: ANN001 - a playwright Page
    """Wait until the script has finished its run, steadily (no running indicator, nothing stale)."""
    root = page.locator('[data-testid="stApp"]')
    quiet = None
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        busy = (
            await root.get_attribute("data-test-script-state") != "notRunning"
            or await root.get_attribute("data-test-connection-state") != "CONNECTED"
            or await page.locator('[data-testid="stStatusWidget"]').count()
            or await page.locator('[data-stale="true"]').count()
        )
        if busy:
            quiet = None
        elif quiet is None:
            quiet = time.monotonic()
        elif time.monotonic() - quiet > 0.3:
            return
        await page.wait_for_timeout(50)
    raise SystemExit(f"the app was still running after 60 s at {page.url}")


async def _open(browser, url: str, state: dict | None, finish: bool = True, fetched: list | None = None) -> float:  # noqa: ANN001
    """A new session (a new browser context) on the Overview; returns the seconds until its first chart shows (the
    paths it fetched from the server are added to ``fetched``)."""
    context = await browser.new_context(viewport={"width": 1440, "height": 1000}, storage_state=state)
    try:
        page = await context.new_page()
        if fetched is not None:
            page.on("request", lambda r: fetched.append(r.url[len(url) :]) if r.url.startswith(url + "/") else None)
        page.set_default_timeout(PAGE_TIMEOUT_S * 1000)
        start = time.monotonic()
        await page.goto(url + "/")
        await page.locator(CHART).first.wait_for()
        first_chart = time.monotonic() - start
        if finish:
            await _finished(page)
        return first_chart
    finally:
        await context.close()


async def _sign_in(browser, url: str, email: str) -> dict:  # noqa: ANN001
    """The browser state (session cookie) of a sign-in through the form."""
    context = await browser.new_context()
    try:
        page = await context.new_page()
        await page.goto(url + "/")
        await _finished(page)
        if not await page.get_by_role("textbox", name="Email").count():  # the public view: its Sign in button
            await page.locator('[data-testid="stSidebar"]').get_by_role("button", name="Sign in").click()
        await page.get_by_role("textbox", name="Email").fill(email)
        await page.get_by_role("textbox", name="Password").fill(PASSWORD)
        await page.get_by_role("button", name="Sign in", exact=True).click()
        await page.locator('[data-testid="stSidebar"]').get_by_text(email).wait_for(timeout=60_000)
        for _ in range(100):
            if any(c["name"] == "ppd_session" for c in await context.cookies()):
                return await context.storage_state()
            await page.wait_for_timeout(100)
        raise SystemExit(f"signing in as {email} set no session cookie")
    finally:
        await context.close()


async def _get_all(url: str, paths: list[str], connections: int = 6) -> None:
    """GET every path as a browser's network stack would, over ``connections`` kept-alive HTTP/1.1 connections,
    gzip accepted; the bodies are read and dropped, never decompressed (that is the client's work, in C in a
    browser: a Python client decompressing 30 sessions' 2.5 MB each took more CPU than the server's whole part)."""
    host, port = url.removeprefix("http://").split(":")
    waiting = list(reversed(paths))

    async def connection() -> None:
        reader, writer = await asyncio.open_connection(host, int(port))
        try:
            while waiting:
                path = waiting.pop()
                request = f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nAccept-Encoding: gzip\r\n\r\n"
                writer.write(request.encode())
                head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").lower()
                if not head.startswith("http/1.1 200"):
                    raise SystemExit(f"GET {path}: {head.splitlines()[0]}")
                if "transfer-encoding: chunked" in head:
                    while size := int((await reader.readuntil(b"\r\n")).split(b";")[0], 16):
                        await reader.readexactly(size + 2)
                    await reader.readuntil(b"\r\n")
                else:
                    await reader.readexactly(int(head.split("content-length:")[1].split("\r\n")[0]))
        finally:
            writer.close()

    await asyncio.gather(*(connection() for _ in range(min(connections, len(paths)))))


async def _protocol_session(url: str, assets: list[str]) -> float:
    """A new session as the server sees it, without a browser's own work: the page, then the files a browser
    fetched (six connections, gzip accepted), then Streamlit's websocket until the first chart's message arrives."""
    import websockets
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    start = time.monotonic()
    await _get_all(url, ["/"])
    await _get_all(url, assets)
    stream = url.replace("http://", "ws://") + "/_stcore/stream"
    async with websockets.connect(
        stream, subprotocols=["streamlit"], max_size=None, open_timeout=300, ping_interval=None
    ) as socket_:
        run = BackMsg()
        run.rerun_script.query_string = ""
        await socket_.send(run.SerializeToString())
        async for data in socket_:
            message = ForwardMsg()
            message.ParseFromString(data)
            if (
                message.WhichOneof("type") == "delta"
                and message.delta.WhichOneof("type") == "new_element"
                and message.delta.new_element.WhichOneof("type") == "plotly_chart"
            ):
                return time.monotonic() - start
    raise SystemExit("the Overview sent no chart")


async def _idle_cpu_per_second(pid: int, seconds: float = 12.0, settle: float = 3.0) -> float:
    """The server's CPU per second with nobody connected: Streamlit polls its config files five times a second,
    whatever the sessions do (``streamlit/web/bootstrap.py``), and that time falls within a session's measure.
    Measured after ``settle`` seconds (the clean-up of sessions just closed is theirs), over ``seconds`` (the
    kernel counts CPU time in 10 ms ticks)."""
    await asyncio.sleep(settle)
    before = cpu_seconds(pid)
    await asyncio.sleep(seconds)
    return (cpu_seconds(pid) - before) / seconds


def _children_cpu() -> float:
    """CPU seconds of the child processes waited for so far, and of theirs (the browser once it has exited)."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


async def measure(code: Path, port: int, sessions: int, concurrent: int) -> dict:
    """Per-session server CPU by kind, and first-chart times of ``concurrent`` sessions opened at once."""
    from playwright.async_api import async_playwright

    result: dict = {}
    fetched: list[str] = []
    with tempfile.TemporaryDirectory() as folder, serve(code, Path(folder), port) as server:
        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                states = {"public": None}
                await _open(browser, server.url, None)  # the first visitor computes the data and figures
                for kind in ("donor", "manager"):
                    states[kind] = await _sign_in(browser, server.url, ACCOUNTS[kind])
                for kind in KINDS:  # warm: each kind once more, the caches of its view filled
                    await _open(browser, server.url, states[kind], fetched=fetched if kind == "public" else None)
                for kind in KINDS:
                    await asyncio.sleep(1)
                    idle = await _idle_cpu_per_second(server.pid)
                    before, start = cpu_seconds(server.pid), time.monotonic()
                    for _ in range(sessions):
                        await _open(browser, server.url, states[kind])
                    await asyncio.sleep(1)  # the closed sessions' clean-up is part of their cost
                    used, took = cpu_seconds(server.pid) - before, time.monotonic() - start
                    result[kind] = used / sessions
                    result[f"{kind}_net"] = (used - idle * took) / sessions
                    result[f"{kind}_idle"] = idle * took / sessions
                    print(
                        f"  {code.name}: {kind}, server CPU per new session {result[kind]:.3f} s, "
                        f"{result[f'{kind}_net']:.3f} s net of the idle server's {idle:.4f} s per second",
                        flush=True,
                    )
            finally:
                await browser.close()
        assets = sorted({path for path in fetched if path.startswith("/static/")})
        await asyncio.sleep(1)
        before, client = cpu_seconds(server.pid), time.process_time()
        times = await asyncio.gather(*(_protocol_session(server.url, assets) for _ in range(concurrent)))
        result["protocol_client_cpu"] = (time.process_time() - client) / concurrent
        await asyncio.sleep(1)
        result["protocol_cpu"] = (cpu_seconds(server.pid) - before) / concurrent
        result["protocol_first_chart"] = sorted(times)
        print(f"  {code.name}: {concurrent} at once, server's part: slowest first chart {max(times):.2f} s", flush=True)
        before, clients = cpu_seconds(server.pid), _children_cpu()
        async with async_playwright() as p:  # a browser of its own, whose CPU is counted once it has exited
            browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                times = await asyncio.gather(
                    *(_open(browser, server.url, None, finish=False) for _ in range(concurrent)),
                    return_exceptions=True,  # a page still without a chart after the timeout: counted as such
                )
                times = [t if isinstance(t, float) else PAGE_TIMEOUT_S for t in times]
            finally:
                await browser.close()
        await asyncio.sleep(1)
        result["browser_cpu"] = (cpu_seconds(server.pid) - before) / concurrent
        result["browser_client_cpu"] = (_children_cpu() - clients) / concurrent
        result["browser_first_chart"] = sorted(times)
    return result


def _baseline_code(revision: str, where: Path) -> Path | None:
    """The project's files at ``revision`` (git archive), or None when this is not a git checkout."""
    try:
        archive = subprocess.run(
            ["git", "archive", revision], cwd=ROOT, check=True, capture_output=True, timeout=120
        ).stdout
    except (OSError, subprocess.SubprocessError) as error:
        print(f"no baseline: git archive {revision} failed ({error})")
        return None
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(where, filter="data")
    return where


def _ports(first: int | None) -> Iterator[int]:
    while True:
        yield first if first else _free_port()
        first = first + 1 if first else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=10, help="sessions opened one after the other per kind")
    parser.add_argument("--concurrent", type=int, default=30, help="sessions opened at once")
    parser.add_argument("--baseline", default=BASELINE, help="git revision to compare with (default %(default)s)")
    parser.add_argument("--no-baseline", action="store_true", help="measure this code only")
    parser.add_argument("--port", type=int, help="first port to serve on (default: free ports)")
    args = parser.parse_args()
    ports = _ports(args.port)
    runs = {}
    with tempfile.TemporaryDirectory() as folder:
        codes = {"now": ROOT}
        if not args.no_baseline and (old := _baseline_code(args.baseline, Path(folder) / "baseline")):
            codes = {"before": old, "now": ROOT}
        for name, code in codes.items():
            runs[name] = asyncio.run(measure(code, next(ports), args.sessions, args.concurrent))
            shown = {k: [round(t, 2) for t in v] if isinstance(v, list) else round(v, 3) for k, v in runs[name].items()}
            print(name, shown, flush=True)
    write(runs, args)


def write(runs: dict, args: argparse.Namespace) -> None:
    now = runs["now"]
    before = runs.get("before")
    lines = [
        "# New-session benchmark",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; load average "
        f"{os.getloadavg()[0]:.1f} at the end. The server (`streamlit run app.py`, demo data, PUBLIC_DONOR_VIEW on) "
        f"and the headless chromium clients share the machine. Server CPU per new session: the server process's "
        f"user + system time over {args.sessions} new sessions of each kind opened one after the other, each until "
        f"its Overview has finished drawing, divided by {args.sessions}. *Net*: less what the server uses over the "
        "same time with nobody connected (Streamlit polls its config files five times a second), measured for 12 s "
        "just before; the goal is judged on it, the cost a session adds."
        + (f" Before: the code of `{args.baseline}`, measured in the same run." if before else ""),
        "",
        "| new session's Overview | "
        + ("before, CPU s | " if before else "")
        + "now, CPU s | now, of it idle | now, net | "
        + ("now / before (net) | " if before else "")
        + "goal (net) |",
        "|---|" + ("---:|" if before else "") + "---:|---:|---:|" + ("---:|" if before else "") + "---:|",
    ]
    labels = {
        "public": "public donor view (not signed in)",
        "donor": "donor (signed in)",
        "manager": "programme manager (signed in)",
    }
    for kind in KINDS:
        net = now.get(f"{kind}_net", now[kind])
        row = f"| {labels[kind]} | " + (f"{before[kind]:.3f} | " if before else "") + f"{now[kind]:.3f} | "
        row += f"{now.get(f'{kind}_idle', 0):.3f} | {net:.3f} | "
        row += (f"{net / before.get(f'{kind}_net', before[kind]):.2f}x | " if before else "") + f"≤ {GOAL_CPU_S} |"
        lines.append(row)
    lines += [
        "",
        f"{args.concurrent} new public sessions opened at once: seconds from opening to the first chart. "
        "*Server's part*: "
        "clients without a browser's own work (the page and the files a browser fetched, over six kept-alive "
        "connections, bodies read but not decompressed, then Streamlit's websocket until the first chart's message "
        "arrives), all in one Python process whose own CPU is shown. *Chromium*: as many headless chromium pages in "
        "one browser on this 2-core machine, whose own CPU (parsing 7.6 MB of JavaScript, drawing) is shown per page.",
        "",
        "| code | clients | median s | slowest s | server CPU per session s | client CPU per page s |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for name, run in runs.items():
        for label, times, cpu, client in (
            ("server's part", run["protocol_first_chart"], run["protocol_cpu"], run.get("protocol_client_cpu")),
            ("chromium", run["browser_first_chart"], run["browser_cpu"], run["browser_client_cpu"]),
        ):
            lines.append(
                f"| {name} | {label} | {statistics.median(times):.2f} | {max(times):.2f} | {cpu:.3f} | "
                + (f"{client:.2f} |" if client is not None else "– |")
            )
    met_cpu = all(now.get(f"{k}_net", now[k]) <= GOAL_CPU_S for k in KINDS)
    met_server = max(now["protocol_first_chart"]) <= GOAL_FIRST_CHART_S
    met_browser = max(now["browser_first_chart"]) <= GOAL_FIRST_CHART_S
    lines += [
        "",
        f"Goals: at most {GOAL_CPU_S} s of server CPU per new session (net): **{'met' if met_cpu else 'not met'}**; "
        f"each of {args.concurrent} sessions opened at once shows its first chart within {GOAL_FIRST_CHART_S:.0f} s: "
        f"the server's part **{'met' if met_server else 'not met'}**, with chromium clients on this machine "
        f"**{'met' if met_browser else 'not met'}**"
        + (
            ""
            if met_browser
            else f" (the chromium pages' own CPU alone, {args.concurrent} x {now['browser_client_cpu']:.2f} s over "
            f"{os.cpu_count()} cores, takes at least {args.concurrent * now['browser_client_cpu'] / os.cpu_count():.0f}"
            " s however fast the server answers)"
        )
        + ".",
    ]
    text = "\n".join(lines) + "\n"
    (ROOT / "benchmarks" / "session_results.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
