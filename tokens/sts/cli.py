"""The engineering command line: python -m tokens.sts COMMAND ... (see --help).

It prints the result alone on standard output and exits 0; on bad input it prints one line on
standard error and exits 2. Keys in and out are hex (16 digits; 40 for a DKGA04 vending key).
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation

from . import codes
from .errors import StsError
from .keys import BASE_DATES, DecoderKey, admin_password, derive_decoder_key, parse_vending_key


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr (exit 2), like every other bad input."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message}\n")


def _when(text: str) -> datetime:
    try:
        return datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=UTC)
    except ValueError:
        raise StsError(f'--when must be a real UTC date and time as "YYYY-MM-DD HH:MM" (got {text!r})') from None


def _amount(text: str) -> Decimal:
    try:
        return Decimal(text)
    except InvalidOperation:
        raise StsError(f"--amount must be a number such as 12.5 (got {text!r})") from None


def _tid(args) -> int:
    if args.tid is not None:
        return args.tid
    return codes.tid_from_datetime(_when(args.when), args.base_date)


def _key(text: str, option: str = "--key") -> DecoderKey:
    try:
        return DecoderKey.from_hex(text)
    except StsError:
        raise StsError(f"{option} must be 16 hex digits") from None


def _derive_key(args) -> str:
    digits = 40 if args.dkga == "04" else 16
    try:
        vending_key = parse_vending_key(args.vending_key)
    except StsError:
        raise StsError(f"--vending-key must be {digits} hex digits for DKGA{args.dkga}") from None
    if len(vending_key) * 2 != digits:
        raise StsError(f"--vending-key must be {digits} hex digits for DKGA{args.dkga}")
    key = derive_decoder_key(
        vending_key,
        pan=args.pan,
        sgc=args.sgc,
        ti=args.ti,
        krn=args.krn,
        kt=args.kt,
        dkga=args.dkga,
        base_date=args.base_date,
    )
    return key.hex()


def _credit(args) -> str:
    return codes.issue_credit(_key(args.key), _amount(args.amount), tid=_tid(args), service=args.service, rnd=args.rnd)


def _management(args) -> str:
    return codes.issue_management(_key(args.key), args.subclass, args.value, tid=_tid(args), rnd=args.rnd)


def _key_change(args) -> str:
    part1, part2 = codes.issue_key_change(
        _key(args.key),
        _key(args.new_key, "--new-key"),
        krn=args.krn,
        kt=args.kt,
        ti=args.ti,
        ken=args.ken,
        rollover=args.rollover,
    )
    return f"{part1}\n{part2}"


def _test_token(args) -> str:
    return codes.issue_test_token(args.subclass, control=args.control, manufacturer=args.manufacturer)


def _decode(args) -> str:
    key = None if args.key is None else _key(args.key)
    result = codes.decode(key, args.code)
    if isinstance(result, codes.MalformedCode):
        raise StsError(f"malformed code: {result.reason}")
    if isinstance(result, codes.CrcMismatch):
        return json.dumps({"crc_ok": False, "class": result.token_class})
    out = {"crc_ok": True, "class": result.token_class, "subclass": result.subclass, "kind": result.kind}
    for name in ("rnd", "tid", "field", "value", "ken_half", "krn", "rollover", "kt", "ti", "control", "manufacturer"):
        value = getattr(result, name)
        if value is not None:
            out[name] = value
    if result.key_half is not None:
        out["key_half"] = f"{result.key_half:08x}"
    if result.token_class == 0:
        out["amount"] = str(result.amount)
        if result.subclass in (0, 1, 2):
            out["unit"] = "kWh" if result.subclass == 0 else "m3"
    if result.tid is not None and args.base_date is not None:
        out["issued_at"] = codes.datetime_from_tid(result.tid, args.base_date).isoformat()
    return json.dumps(out)


def _admin_password(args) -> str:
    return admin_password(_key(args.key))


def _time_options(parser) -> None:
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--when", metavar='"YYYY-MM-DD HH:MM"', help="time of issue, UTC")
    group.add_argument("--tid", type=int, metavar="N", help="the token identifier itself")
    parser.add_argument("--base-date", type=int, choices=BASE_DATES, default=1993, help="for --when (default 1993)")
    parser.add_argument("--rnd", type=int, metavar="N", help="random nibble 0-15 (default: random)")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m tokens.sts", description="STS-format 20-digit codes: keys, issuing, decoding.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("derive-key", help="a meter's decoder key from the vending key")
    p.add_argument("--vending-key", required=True, metavar="HEX", help="16 hex digits (DKGA02) or 40 (DKGA04)")
    p.add_argument("--pan", required=True, metavar="PAN18", help="the meter's 18-digit PAN")
    p.add_argument("--sgc", required=True, help="supply group code, 6 digits")
    p.add_argument("--ti", required=True, help="tariff index, 2 digits")
    p.add_argument("--krn", required=True, type=int, metavar="N", help="key revision number 1-9")
    p.add_argument("--kt", required=True, type=int, metavar="N", help="key type 0-3")
    p.add_argument("--dkga", choices=("02", "04"), default="02", help="derivation algorithm (default 02)")
    p.add_argument("--base-date", type=int, choices=BASE_DATES, default=1993, help="DKGA04 only (default 1993)")
    p.set_defaults(run=_derive_key)

    p = sub.add_parser("credit", help="a class 0 credit code")
    p.add_argument("--key", required=True, metavar="DK", help="decoder key, 16 hex digits")
    p.add_argument("--amount", required=True, metavar="X", help="kWh (or m3), resolution 0.1, e.g. 0.1")
    p.add_argument("--service", choices=("electricity", "water", "gas"), default="electricity")
    _time_options(p)
    p.set_defaults(run=_credit)

    p = sub.add_parser("management", help="a class 2 management code (subclasses 0, 1, 2, 5, 6, 7)")
    p.add_argument("--key", required=True, metavar="DK", help="decoder key, 16 hex digits")
    p.add_argument("--subclass", required=True, type=int, metavar="N")
    p.add_argument(
        "--value",
        required=True,
        type=int,
        metavar="N",
        help="raw register (1) or pad (5); for 0, 2, 6, 7 the value to e/m-encode (watts for the limits)",
    )
    _time_options(p)
    p.set_defaults(run=_management)

    p = sub.add_parser("key-change", help="the two key change codes, part 1 then part 2")
    p.add_argument("--key", required=True, metavar="DK", help="current decoder key, 16 hex digits")
    p.add_argument("--new-key", required=True, metavar="DK2", help="new decoder key, 16 hex digits")
    p.add_argument("--krn", required=True, type=int, metavar="N", help="new key revision number 1-9")
    p.add_argument("--kt", required=True, type=int, metavar="N", help="new key type 0-3")
    p.add_argument("--ti", required=True, help="new tariff index, 2 digits")
    p.add_argument("--ken", type=int, default=255, metavar="N", help="key expiry number 0-255 (default 255: never)")
    p.add_argument("--rollover", action="store_true", help="make the meter clear its TID memory")
    p.set_defaults(run=_key_change)

    p = sub.add_parser("test-token", help="a class 1 test/display code (not encrypted)")
    p.add_argument("--subclass", required=True, type=int, metavar="0|1")
    p.add_argument("--control", type=int, metavar="N", help="test control bits (default: all tests)")
    p.add_argument("--manufacturer", type=int, default=0, metavar="N", help="manufacturer code (default 0)")
    p.set_defaults(run=_test_token)

    p = sub.add_parser("decode", help="decode a code; prints one JSON object")
    p.add_argument("--key", metavar="DK", help="decoder key (not needed for class 1 test codes)")
    p.add_argument("--base-date", type=int, choices=BASE_DATES, help="also print the time of issue")
    p.add_argument("code", metavar="CODE")
    p.set_defaults(run=_decode)

    p = sub.add_parser("admin-password", help="the meter's administration password, from its decoder key")
    p.add_argument("--key", required=True, metavar="DK", help="decoder key, 16 hex digits")
    p.set_defaults(run=_admin_password)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        output = args.run(args)
    except StsError as error:
        print(f"{parser.prog}: error: {error}", file=sys.stderr)
        return 2
    print(output)
    return 0
