"""Recharges per second through HTTP: gunicorn + PostgreSQL, 16 cashiers at once.

    .venv/bin/python bench/recharge_http.py [--cashiers 16] [--recharges 3000] [--seconds 60]

Sets up its own database (aom_bench_recharge, dropped at the end) and its own gunicorn on
127.0.0.1, production settings (DEBUG=0, persistent connections, the deployment's
`--workers 4 --threads 1`). Each cashier is a thread with its own logged-in session. Two phases:

1. issue: each request is one recharge, the POST of `RECARGAR` (meter, amount, confirmed total
   and a fresh idempotency key, exactly what the confirmation page posts) → 302 to the receipt.
   This is the figure the target is about: ≥ 100 recharges/s with p99 < 250 ms.
2. flow: what a cashier's browser does per sale: GET the confirmation page (identification +
   amount → kWh, total, idempotency key), then POST `RECARGAR`; latency of both requests.

Each phase stops after --recharges or --seconds, whichever comes first. Prints the figures and
writes bench/results/recharge_http_w<workers>t<threads>.txt; checks at the end that the receipt numbers are
consecutive with no gap and no repeat.
"""

import argparse
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime
from urllib.parse import urlencode

from _server import GUNICORN, PASSWORD, PY, ROOT, Session, percentile, psql, server_env, wait_for_server

DB_NAME = "aom_bench_recharge"
PORT = int(os.getenv("BENCH_PORT", "8731"))
CUSTOMERS = 400
WARMUP = 48


def env() -> dict:
    return server_env(DB_NAME)


SEED = """
from decimal import Decimal
from datetime import timedelta
from django.utils import timezone
from aom.models import User
from billing.models import Product
from customers.models import Customer, Meter
from licensing.models import Entity, License
from tests.factories import luhn_complete

entity = Entity(name="Cooperativa Bench", nit="900000001", supply_group_code="123456")
entity.set_vending_key(bytes.fromhex("abababababababab"))
entity.save()
License.objects.create(entity=entity, valid_until=timezone.now() + timedelta(days=30), max_customers=100000,
                       receipt_from=1, receipt_to=10_000_000)
Product.objects.create(entity=entity, price_per_kwh=Decimal("800"), iva_percent=Decimal("19"))
for i in range({cashiers}):
    User.objects.create_user(email=f"cajero{{i}}@bench.example", password="{password}", full_name=f"Cajero {{i}}",
                             entity=entity, role=User.Role.BILLER)
for i in range({customers}):
    c = Customer.objects.create(entity=entity, identification=str(2_000_000_000 + i), full_name=f"Usuario {{i}}")
    Meter.objects.create(entity=entity, customer=c, drn=luhn_complete(f"47{{i:08d}}"))
"""


class Cashier(Session):
    """One cashier's browser, selling recharges."""

    def csrf_token(self) -> str:
        return self.cookies["csrftoken"]

    def issue(self, meter_id, amount, total) -> float:
        """One RECARGAR post, as the confirmation page sends it."""
        t0 = time.perf_counter()
        fields = {
            "csrfmiddlewaretoken": self.csrf_token(),
            "meter": meter_id,
            "amount": amount,
            "total": total,
            "idempotency_key": str(uuid.uuid4()),
        }
        status, location, _ = self.request("POST", "/facturacion/nuevo/recargar/", fields)
        if status != 302 or "exito=1" not in (location or ""):
            raise RuntimeError(f"RECARGAR failed: {status} {location}")
        return time.perf_counter() - t0

    def get_json(self, path, params):
        status, _, body = self.request("GET", f"{path}?{urlencode(params)}")
        if status != 200:
            raise RuntimeError(f"{path} failed: {status}")
        return json.loads(body)

    def recharge(self, identification, amount) -> float:
        t0 = time.perf_counter()
        query = urlencode({"identification": identification, "amount": amount, "step": "confirm"})
        status, _, html = self.request("GET", f"/facturacion/nuevo/?{query}")
        fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', html))
        if status != 200 or "idempotency_key" not in fields:
            raise RuntimeError(f"confirmation page failed: {status}")
        status, location, _ = self.request("POST", "/facturacion/nuevo/recargar/", fields)
        if status != 302 or "exito=1" not in (location or ""):
            raise RuntimeError(f"RECARGAR failed: {status} {location}")
        return time.perf_counter() - t0


AMOUNTS = ["2000", "5000", "10000", "15000", "20000", "50000"]


def run_phase(sessions, job, recharges, seconds):
    """Every session runs `job` in its own thread until `recharges` are done or time is up."""
    latencies, errors = [], []
    lock = threading.Lock()
    remaining = [recharges]
    stop_at = time.perf_counter() + seconds

    def cashier(session, seed):
        r = random.Random(seed)
        while time.perf_counter() < stop_at:
            with lock:
                if remaining[0] <= 0:
                    return
                remaining[0] -= 1
            try:
                latency = job(session, r)
            except Exception as exc:  # noqa: BLE001 - counted and reported
                with lock:
                    errors.append(str(exc))
                continue
            with lock:
                latencies.append(latency)

    threads = [threading.Thread(target=cashier, args=(s, i)) for i, s in enumerate(sessions)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, errors, time.perf_counter() - t0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cashiers", type=int, default=16)
    parser.add_argument("--recharges", type=int, default=3000)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()

    load_before = os.getloadavg()
    e = env()
    static_root = tempfile.mkdtemp(prefix="aom-bench-static-")
    e["STATIC_ROOT"] = static_root
    server = None
    psql(f"DROP DATABASE IF EXISTS {DB_NAME}")
    psql(f"CREATE DATABASE {DB_NAME}")
    try:
        print("==> migrating and seeding", flush=True)
        subprocess.run([PY, "manage.py", "migrate", "-v0"], cwd=ROOT, env=e, check=True)
        subprocess.run([PY, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=e, check=True)
        seed = SEED.format(cashiers=args.cashiers, customers=CUSTOMERS, password=PASSWORD)
        subprocess.run([PY, "manage.py", "shell", "-c", seed], cwd=ROOT, env=e, check=True)

        print(f"==> gunicorn --workers {args.workers} --threads {args.threads}", flush=True)
        server = subprocess.Popen(
            [GUNICORN, "aom.wsgi:application", "--bind", f"127.0.0.1:{PORT}", "--workers", str(args.workers),
             "--threads", str(args.threads), "--log-level", "warning"],
            cwd=ROOT, env=e, start_new_session=True,
        )  # fmt: skip
        wait_for_server(server, PORT)

        sessions = []
        for i in range(args.cashiers):
            s = Cashier(PORT)
            s.login(f"cajero{i}@bench.example")
            sessions.append(s)
        rng = random.Random(7)
        for i in range(WARMUP):  # warm every worker's connection and caches
            sessions[i % len(sessions)].recharge(str(2_000_000_000 + rng.randrange(CUSTOMERS)), "15000")

        # What the confirmation pages would carry: each customer's meter, each amount's total.
        meter_of = {
            i: sessions[0].get_json("/facturacion/nuevo/usuario/", {"identification": str(2_000_000_000 + i)})[
                "meters"
            ][0]["id"]
            for i in range(CUSTOMERS)
        }
        total_of = {a: sessions[0].get_json("/facturacion/nuevo/valor/", {"amount": a})["total"] for a in AMOUNTS}

        def issue_job(session, r):
            amount = r.choice(AMOUNTS)
            return session.issue(meter_of[r.randrange(CUSTOMERS)], amount, total_of[amount])

        def flow_job(session, r):
            return session.recharge(str(2_000_000_000 + r.randrange(CUSTOMERS)), r.choice(AMOUNTS))

        phases = {}
        for phase, job in (("issue", issue_job), ("flow", flow_job)):
            print(
                f"==> {phase}: {args.cashiers} cashiers, up to {args.recharges} recharges or {args.seconds:.0f} s",
                flush=True,
            )
            phases[phase] = run_phase(sessions, job, args.recharges, args.seconds)
        check = (
            "from billing.models import Receipt; from licensing.models import License; "
            "n = Receipt.objects.count(); nums = set(Receipt.objects.values_list('number', flat=True)); "
            "lic = License.objects.get(); "
            "print(n, len(nums), min(nums), max(nums), lic.next_receipt)"
        )
        out = subprocess.run([PY, "manage.py", "shell", "-c", check], cwd=ROOT, env=e, check=True,
                             capture_output=True, text=True).stdout.split()  # fmt: skip
        count, distinct, lowest, highest, next_receipt = map(int, out[-5:])
        numbering_ok = count == distinct == highest - lowest + 1 and lowest == 1 and next_receipt == highest + 1

        load = os.getloadavg()
        lines = [
            f"recharge_http — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
            f"machine: {os.cpu_count()} CPUs; load average before {load_before[0]:.2f}, after (1/5/15 min) "
            f"{load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; "
            "other work may have been using the machine at the same time",
            f"server: gunicorn --workers {args.workers} --threads {args.threads}, DEBUG=0, PostgreSQL, "
            "DB_CONN_MAX_AGE=60; client: Python threads with http.client on 127.0.0.1, sharing the same CPUs",
            f"cashiers: {args.cashiers} threads, each with its own session and keep-alive connection",
        ]
        errors = []
        for phase, (latencies, phase_errors, elapsed) in phases.items():
            errors += phase_errors
            rate = len(latencies) / elapsed
            p50, p95, p99 = (percentile(latencies, p) * 1000 for p in (50, 95, 99))
            what = "POST RECARGAR" if phase == "issue" else "GET confirmation page + POST RECARGAR"
            lines += [
                f"[{phase}] a recharge = {what}",
                f"[{phase}] {len(latencies)} recharges in {elapsed:.1f} s, errors: {len(phase_errors)} → "
                f"{rate:.1f} recharges/s",
                f"[{phase}] latency p50 {p50:.1f} ms, p95 {p95:.1f} ms, p99 {p99:.1f} ms, max {max(latencies) * 1000:.1f} ms",
            ]
            if phase == "issue":
                met = rate >= 100 and p99 < 250
        lines += [
            f"receipts in the database: {count} (including {WARMUP} warm-up), numbers {lowest}..{highest}, "
            f"distinct {distinct}, consecutive: {'yes' if numbering_ok else 'NO'}",
            f"target (issue phase) ≥ 100 recharges/s with p99 < 250 ms: {'met' if met else 'NOT met'}",
        ]
        if errors:
            lines.append(f"first error: {errors[0]}")
        text = "\n".join(lines) + "\n"
        print(text)
        results = ROOT / "bench" / "results"
        results.mkdir(parents=True, exist_ok=True)
        (results / f"recharge_http_w{args.workers}t{args.threads}.txt").write_text(text)
        return 0 if numbering_ok and not errors else 1
    finally:
        if server is not None and server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
        shutil.rmtree(static_root, ignore_errors=True)
        psql(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")


if __name__ == "__main__":
    sys.exit(main())
