"""What the HTTP benchmarks share: production-like settings for a throwaway PostgreSQL
database, psql, a logged-in client session, waiting for gunicorn, percentiles."""

import http.client
import os
import re
import subprocess
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
PG = os.getenv("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
PASSWORD = "bench-password-2026"  # noqa: S105


def server_env(db_name: str, **extra: str) -> dict:
    """This process's environment plus production settings (DEBUG off) on `db_name`."""
    e = dict(os.environ)
    e.update(
        DATABASE_URL=f"{PG}/{db_name}",
        DEBUG="0",
        SECRET_KEY="bench-secret-key-not-for-production-" + "x" * 20,
        AOM_FIELD_KEY="11" * 32,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_COOKIES="0",
        DB_CONN_MAX_AGE="60",
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT),
        DJANGO_SETTINGS_MODULE="aom.settings",
        **extra,
    )
    return e


def psql(sql: str) -> None:
    subprocess.run(["psql", f"{PG}/postgres", "-q", "-v", "ON_ERROR_STOP=1", "-c", sql], check=True)


class Session:
    """One person's browser: a keep-alive connection to 127.0.0.1 and its cookies."""

    def __init__(self, port: int, timeout: float = 30):
        self.port, self.timeout = port, timeout
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        self.cookies: dict[str, str] = {}

    def request(self, method, path, body=None):
        """(status, Location header, body text)."""
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if body is not None:
            body = urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://127.0.0.1:{self.port}{path}"
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
        except (http.client.RemoteDisconnected, ConnectionError):
            # The server closed an idle keep-alive connection: open a new one and send again
            # (safe for the recharge POST too: it carries its idempotency key).
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
        data = response.read().decode()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        return response.status, response.getheader("Location"), data

    def login(self, email):
        _, _, html = self.request("GET", "/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        status, _, _ = self.request(
            "POST", "/login/", {"csrfmiddlewaretoken": token, "username": email, "password": PASSWORD}
        )
        if status != 302:
            raise RuntimeError(f"login failed for {email}: {status}")


def wait_for_server(proc, port: int) -> None:
    deadline = time.time() + 30
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("gunicorn exited")
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            c.request("GET", "/login/")
            if c.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("gunicorn did not start")


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]
