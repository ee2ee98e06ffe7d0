"""manage.py cost PAIR SIDE SIZE [--unit quote] [--at TIME | --books-file F] [--json] [--fee V=F] [--no-fees]

The cost to trade a size across a pair's venues: from the live feed's published book, from the
stored history at a past moment, or from a books file's `consolidated:<PAIR>` entry (no database).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation

from django.core.management.base import BaseCommand, CommandError

from analytics.cost import BadBook, BadOrder, parse_side, parse_size, parse_unit, sweep
from analytics.cost_sources import NoBook, from_books_file, from_history, from_payload, taker_fees


def parse_fee(text: str) -> tuple[str, Decimal]:
    venue, sep, value = text.partition("=")
    try:
        fee = Decimal(value)
    except InvalidOperation:
        fee = None
    if not sep or not venue or fee is None or not fee.is_finite() or not Decimal(0) <= fee < 1:
        raise CommandError(f"--fee takes VENUE=FRACTION, e.g. binance=0.001; got {text!r}")
    return venue, fee


def parse_time(text: str) -> datetime:
    try:
        at = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise CommandError(f"--at must be an ISO 8601 time like 2026-11-29T04:00:00Z, got {text!r}") from None
    at = at if at.tzinfo else at.replace(tzinfo=UTC)
    if at > datetime.now(UTC):
        raise CommandError(f"--at {text} is in the future: the stored history ends now")
    return at


class Command(BaseCommand):
    help = "Cost to trade a size across a pair's venues (routed sweep vs the best single venue)."

    def add_arguments(self, parser):
        parser.add_argument("pair", help="canonical pair, e.g. BTC-USDT")
        parser.add_argument("side", help="buy (takes the asks) or sell (takes the bids)")
        parser.add_argument("size", help="how much: base-asset units, or quote notional with --unit quote")
        parser.add_argument("--unit", default="base", help="base (default) or quote")
        source = parser.add_mutually_exclusive_group()
        source.add_argument("--at", metavar="TIME", help="the stored book at this ISO 8601 time (book_at)")
        source.add_argument("--books-file", metavar="F", help="a books file's consolidated:<PAIR> entry")
        parser.add_argument("--json", action="store_true", help="print the API's JSON answer")
        parser.add_argument(
            "--fee",
            action="append",
            default=[],
            metavar="VENUE=FRACTION",
            help="taker fee of a venue id or venue:SYMBOL (repeat); overrides the exchange's own",
        )
        parser.add_argument("--no-fees", action="store_true", help="ignore the exchanges' taker fees")

    def handle(self, *args, **options):
        pair = options["pair"]
        try:
            side, unit = parse_side(options["side"]), parse_unit(options["unit"])
            size = parse_size(options["size"])
        except BadOrder as exc:
            raise CommandError(f"bad {exc.param}: {exc.reason}") from None
        at = parse_time(options["at"]) if options["at"] else None  # refused before any database read
        fees: dict[str, Decimal] = {}
        try:
            if options["books_file"]:
                levels = from_books_file(options["books_file"], pair=pair)
            else:
                if not options["no_fees"]:
                    fees.update(taker_fees())
                if at is not None:
                    levels = from_history(pair=pair, at=at)
                else:
                    levels = self._live(pair)
        except (NoBook, BadBook) as exc:
            raise CommandError(str(exc)) from None
        fees.update(parse_fee(text) for text in options["fee"])
        try:
            result = sweep(
                levels_by_side=levels.levels_by_side,
                side=side,
                size=size,
                unit=unit,
                fees=fees,
                mid=levels.mid,
                pair=pair,
                venues_in=levels.venues_in,
            )
        except BadOrder as exc:
            raise CommandError(f"bad {exc.param}: {exc.reason}") from None
        if levels.data_times is not None:
            result["at"] = at.isoformat()
            result["data_times"] = levels.data_times
            result["venues_out"] = levels.venues_out
            for key, when in sorted(levels.data_times.items()):
                self.stderr.write(
                    f"{key}: data as of {when}"
                    + (f" (out: {levels.venues_out[key]})" if key in levels.venues_out else "")
                )
        if options["json"]:
            self.stdout.write(json.dumps(result, indent=1))
        else:
            self.stdout.write(table(result))

    def _live(self, pair: str):
        from books.live import live_store
        from marketagg.api.selectors import pair as pair_info
        from marketagg.api.selectors import pairs

        payload = live_store().get(pair)
        if payload is None:
            if pair_info(pair) is None:
                raise NoBook(f"unknown pair {pair!r}; known pairs: {', '.join(pairs()) or 'none'}")
            from django.conf import settings

            if not settings.REDIS_URL:
                raise NoBook(
                    f"no live book for {pair} in this process: without REDIS_URL (the embedded default) the "
                    "live books live in the memory of the `serve` process. Ask it over HTTP "
                    f"(/api/cost/{pair}?side=...&size=...), set REDIS_URL for serve/runfeeds and this command, "
                    "or use --at TIME / --books-file F"
                )
            raise NoBook(f"no live book for {pair}: the feed process has not published it (is it running?)")
        return from_payload(payload)


def table(r: dict) -> str:
    """The answer as aligned text: the routed result, its split, and each venue alone."""
    unit = "base" if r["unit"] == "base" else "quote notional"
    lines = [
        f"{r['side']} {r['size']} ({unit}) of {r['pair']}: "
        + ("filled" if r["filled"] else f"NOT FILLED, {r['unfilled']} ({r['unit']}) left over"),
        f"  venues in       {', '.join(r['venues_in']) or 'none'}",
        f"  filled base     {r['filled_base']}",
        f"  quote amount    {r['quote_amount']}",
        f"  average price   {r['average_price']}",
        f"  worst price     {r['worst_price']}  ({r['levels_taken']} levels)",
        f"  mid             {r['mid']}",
        f"  slippage        {r['slippage_bps']} bps vs mid, {r['slippage_best_bps']} bps vs best {r['best_price']}",
        "  fees            " + (f"applied: {r['fee_rule']}" if r["fees_applied"] else "none"),
        "",
        f"  {'routed to':<32} {'base':>30} {'quote':>38}",
    ]
    for key, base in r["allocations"].items():
        lines.append(f"  {key:<32} {base:>30} {r['allocation_quote'][key]:>38}")
    lines += ["", f"  {'alone':<32} {'fills':>5} {'average price':>30} {'filled base':>30}"]
    for key, v in r["per_venue"].items():
        avg = v["average_price"] or "-"
        lines.append(f"  {key:<32} {'yes' if v['fills'] else 'no':>5} {avg:>30} {v['filled_base']:>30}")
    best = r["best_single_venue"]
    lines.append("")
    if best is None:
        lines.append("  best single venue: none fills the whole size alone")
    else:
        lines.append(
            f"  best single venue: {best['venue']} at {best['average_price']}; "
            f"routing saves {r['saving_quote']} quote ({r['saving_bps']} bps)"
        )
    return "\n".join(lines)
