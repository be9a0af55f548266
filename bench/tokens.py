"""Benchmark of the STS-format engine, with OpenPAYGO token generation as the peer figure.

Run: .venv/bin/python bench/tokens.py   (prints the figures, writes bench/results/tokens.json and .txt)

- issue: derive a meter's decoder key (DKGA02, a different PAN every time, one vending key as an
  entity has) and issue a credit code with it; the STA key schedule is computed for every key.
- decode: decode a code of a different meter each time (fresh key object, so the schedule is included).
- decode, same key: a meter decoding codes under its one key (schedule computed once).
- openpaygo 0.6.3 generate_token (ADD_TIME): its cost grows with the device's token count, so it is
  measured at count 1 (its cheapest) and at count 100; the ratio uses count 1.
All on one core (one Python process, one thread); best of five interleaved rounds, as rates per
second of CPU time (wall-clock rates are recorded too).
"""

import json
import os
import platform
import sys
import time
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Run as a script, this file's folder comes first on sys.path and its name would hide the package.
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path[0] = str(ROOT)

import openpaygo  # noqa: E402

from tokens.sts import DecoderKey, decode, derive_decoder_key, issue_credit, luhn_digit  # noqa: E402

VENDING_KEY = bytes.fromhex("abababababababab")
ROUNDS = 5


def measure(workloads: dict) -> dict:
    """Best rate of each workload over ROUNDS interleaved rounds, by CPU time and by wall time.

    Rounds are interleaved so that every workload meets the same machine load; CPU time (of this
    process) is what one core spends and is little disturbed by other processes, wall time is
    what a caller waits. On a quiet machine the two agree.
    """
    best = {name: [float("inf"), float("inf")] for name in workloads}
    for _ in range(ROUNDS):
        for name, (work, count) in workloads.items():
            cpu, wall = time.process_time(), time.perf_counter()
            work(count)
            cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
            best[name][0] = min(best[name][0], cpu)
            best[name][1] = min(best[name][1], wall)
    return {name: (workloads[name][1] / cpu, workloads[name][1] / wall) for name, (cpu, wall) in best.items()}


def make_pans(count: int) -> list[str]:
    pans = []
    for serial in range(count):
        body = f"600727{serial:010d}"
        drn_body = body[6:]
        drn = drn_body + luhn_digit(drn_body)
        pans.append("600727" + drn + luhn_digit("600727" + drn))
    return pans


def main() -> None:
    n = 20_000
    pans = make_pans(n)
    amount = Decimal("12.5")

    def issue(count):
        for i in range(count):
            key = derive_decoder_key(VENDING_KEY, pan=pans[i], sgc="123456", ti="01", krn=1, kt=2)
            issue_credit(key, amount, tid=16_000_000 + i, rnd=i & 15)

    keys = [derive_decoder_key(VENDING_KEY, pan=p, sgc="123456", ti="01", krn=1, kt=2).to_bytes() for p in pans]
    codes = [issue_credit(DecoderKey(k), amount, tid=16_000_000 + i, rnd=i & 15) for i, k in enumerate(keys)]
    one_key = DecoderKey(keys[0])
    one_key_codes = [issue_credit(one_key, amount, tid=16_000_000 + i, rnd=i & 15) for i in range(n)]

    def decode_many(count):
        for i in range(count):
            decode(DecoderKey(keys[i]), codes[i])

    def decode_same_key(count):
        for i in range(count):
            decode(one_key, one_key_codes[i])

    def openpaygo_at(token_count):
        def run(count):
            for _ in range(count):
                openpaygo.generate_token(secret_key="a29ab82edc5fbbc41ec9530f6dac86b1", count=token_count, value=7)

        return run

    rates = measure(
        {
            "issue": (issue, n),
            "decode": (decode_many, n),
            "decode_same_key": (decode_same_key, n),
            "openpaygo_1": (openpaygo_at(1), n),
            "openpaygo_100": (openpaygo_at(100), 1_000),
        }
    )
    issue_rate, decode_rate, same_key_rate, peer_rate, peer_rate_100 = (
        rates[name][0] for name in ("issue", "decode", "decode_same_key", "openpaygo_1", "openpaygo_100")
    )

    results = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "machine": f"{platform.machine()} {platform.processor() or ''}".strip(),
        "cpus": os.cpu_count(),
        "load_average_1min_at_start": round(os.getloadavg()[0], 2),
        "note": (
            "one core; other work may have been loading the 2-core machine while this ran: "
            "compare with the load average"
        ),
        "sts_issues_per_second_with_key_derivation": round(issue_rate),
        "sts_decodes_per_second_new_key_each": round(decode_rate),
        "sts_decodes_per_second_same_key": round(same_key_rate),
        "openpaygo_tokens_per_second_count_1": round(peer_rate),
        "openpaygo_tokens_per_second_count_100": round(peer_rate_100),
        "ratio_sts_issue_to_openpaygo_count_1": round(issue_rate / peer_rate, 2),
        "wall_clock_rates_per_second": {name: round(wall) for name, (_, wall) in rates.items()},
        "target_issues_per_second": 20_000,
        "target_met": issue_rate >= 20_000,
    }
    lines = [
        f"STS-format engine benchmark, {results['when']}, Python {results['python']}, {results['machine']}",
        f"  load average at start: {results['load_average_1min_at_start']} on {results['cpus']} CPUs ({results['note']})",
        f"  issue (DKGA02 derivation + credit code): {issue_rate:10,.0f} /s   (target 20,000 /s)",
        f"  decode (a new meter key each time):      {decode_rate:10,.0f} /s",
        f"  decode (one meter, same key):            {same_key_rate:10,.0f} /s",
        f"  openpaygo 0.6.3 generate_token, count 1: {peer_rate:10,.0f} /s",
        f"  openpaygo 0.6.3 generate_token, count 100:{peer_rate_100:9,.0f} /s",
        f"  ratio STS issue / openpaygo (count 1):   {issue_rate / peer_rate:10.2f}",
        "  (rates per second of CPU time of one core, best of 5 interleaved rounds; by wall clock: "
        + ", ".join(f"{name} {wall:,.0f}" for name, (_, wall) in rates.items())
        + ")",
    ]
    text = "\n".join(lines) + "\n"
    print(text, end="")
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "tokens.json").write_text(json.dumps(results, indent=2) + "\n")
    (out / "tokens.txt").write_text(text)


if __name__ == "__main__":
    main()
