"""`masip serve`: the production server starts with the production settings, answers /healthz
over plain HTTP (a load balancer's probe) and sends everything else to HTTPS; it refuses to
start with the demo's secret key."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from masip.core.serving import MAX_WORKERS, gunicorn_argv, workers_for

SRC = Path(__file__).resolve().parent.parent / "src"


@pytest.mark.parametrize(("cpus", "workers"), [(0, 3), (1, 3), (2, 5), (4, 9), (8, MAX_WORKERS), (64, MAX_WORKERS)])
def test_workers_follow_the_cpu_count_and_are_capped(cpus, workers):
    assert workers_for(cpus) == workers


def test_the_gunicorn_command_binds_where_asked():
    argv = gunicorn_argv(python="/py", bind="unix:/run/masip/web.sock", workers=3, timeout=45)
    assert argv[:4] == ["/py", "-m", "gunicorn", "masip.wsgi:application"]
    assert argv[argv.index("--bind") + 1] == "unix:/run/masip/web.sock"
    assert argv[argv.index("--workers") + 1] == "3" and argv[argv.index("--timeout") + 1] == "45"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _production_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MASIP_", "DJANGO_"))}
    env.update(
        PYTHONPATH=str(SRC), DJANGO_SETTINGS_MODULE="masip.settings", MASIP_DATA_DIR=str(tmp_path),
        DJANGO_SECRET_KEY="test-only-" + "x" * 50, MASIP_AUDIT_CHAIN_KEY="test-only-chain-key",
        MASIP_EVALUATION_KEY="test-only-evaluation-key-" + "y" * 32,
        DJANGO_ALLOWED_HOSTS="127.0.0.1", **extra,
    )
    return env


def _get(url: str) -> tuple[int, dict[str, str], bytes]:
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(url, timeout=5) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_masip_serve_answers_healthz_and_redirects_the_rest_to_https(tmp_path):
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "masip.cli", "serve", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
        env=_production_env(tmp_path), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                status, _, body = _get(f"http://127.0.0.1:{port}/healthz")
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    log = server.stdout.read() if server.stdout else ""
                    raise AssertionError(f"masip serve did not start:\n{log}") from None
                time.sleep(0.2)
        assert status == 200 and json.loads(body) == {"status": "ok", "database": "ok"}
        status, headers, _ = _get(f"http://127.0.0.1:{port}/")
        assert status == 301 and headers["Location"] == f"https://127.0.0.1:{port}/"
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=30)
    assert "Serving on" in output and "Booting worker" in output and output.count("Booting worker") == 2
    assert server.returncode == 0  # gunicorn stops cleanly on SIGTERM


def test_masip_serve_refuses_the_demo_secret_key(tmp_path):
    env = _production_env(tmp_path)
    del env["DJANGO_SECRET_KEY"]
    done = subprocess.run(
        [sys.executable, "-m", "masip.cli", "serve", "--bind", f"127.0.0.1:{_free_port()}"],
        env=env, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in done.stderr
    assert "Booting worker" not in done.stdout + done.stderr
