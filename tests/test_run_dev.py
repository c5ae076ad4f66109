"""scripts/run-dev.sh (`make run`): the portal and its worker in one command, run for real on a free port. The
worker's lines go to var/worker.log only, and Ctrl-C (SIGINT to the foreground process group) stops both, whether
the script was started from a terminal or by a program that left Ctrl-C ignored."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from tests.helpers import CONTROLLED, ROOT, manage

SCRIPT = ROOT / "scripts" / "run-dev.sh"
STARTERS = {
    "terminal": None,
    # A program that starts it in the background (a shell's `&` without job control) leaves SIGINT ignored.
    "background": lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),
}


@pytest.fixture
def dev_env(tmp_path):
    """make run's environment: the embedded defaults (SQLite, local memory) under a var/ of the test's own."""
    env = {name: value for name, value in os.environ.items() if name not in (*CONTROLLED, "DATABASE_URL")}
    env.update(VAR_DIR=str(tmp_path / "var"), PY=sys.executable)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        env["PORT"] = str(sock.getsockname()[1])
    migrated = manage(env, "migrate", "--noinput", "-v0", timeout=120)
    assert migrated.returncode == 0, migrated.stderr
    return env


def processes_of(group):
    listed = subprocess.run(["ps", "-o", "pid=,args=", "-g", str(group)], capture_output=True, text=True).stdout
    return [line.strip() for line in listed.splitlines() if line.strip()]


def wait_until(check, seconds, what):
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, f"no {what} after {seconds} s"
        time.sleep(0.25)


def answers(url):
    try:
        return urllib.request.urlopen(url, timeout=5).status == 200
    except OSError:
        return False


@pytest.mark.parametrize("starter", STARTERS)
def test_it_keeps_the_worker_off_the_console_and_stops_both_on_ctrl_c(dev_env, tmp_path, starter):
    console_path, worker_log = tmp_path / "console.txt", tmp_path / "var" / "worker.log"
    with console_path.open("w") as console:
        script = subprocess.Popen(
            ["bash", SCRIPT],
            cwd=ROOT,
            env=dev_env,
            stdout=console,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, as a terminal's foreground job has
            preexec_fn=STARTERS[starter],
        )
    try:
        wait_until(lambda: answers(f"http://127.0.0.1:{dev_env['PORT']}/"), 60, "page")
        wait_until(lambda: worker_log.exists() and "consumer started" in worker_log.read_text(), 30, "worker log")
        running = processes_of(script.pid)
        assert any("run_huey" in line for line in running), running
        assert any("runserver" in line for line in running), running

        os.killpg(script.pid, signal.SIGINT)
        script.wait(timeout=30)
        wait_until(lambda: not processes_of(script.pid), 10, "end of every process")
    finally:
        if processes_of(script.pid):
            os.killpg(script.pid, signal.SIGKILL)
        script.wait()

    shown = console_path.read_text()
    assert "Starting development server" in shown
    assert f"log {tmp_path / 'var'}/worker.log" in shown
    for worker_line in ("Huey consumer started", "Executing", "Periodic tasks", "Shutting down"):
        assert worker_line not in shown, shown
    assert "Traceback" not in shown, shown
    logged = worker_log.read_text()
    assert "Huey consumer started" in logged
    assert "Consumer exiting" in logged  # stopped gracefully
