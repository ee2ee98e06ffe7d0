from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models

from exchanges.venues import VENUE_CHOICES

PAIR_VALIDATOR = RegexValidator(
    r"^[A-Z0-9]{2,12}-[A-Z0-9]{2,12}$", "A canonical pair is BASE-QUOTE in upper case, e.g. BTC-USDT."
)


class Exchange(models.Model):
    venue = models.CharField(max_length=32, unique=True, choices=VENUE_CHOICES)
    name = models.CharField(max_length=64)
    enabled = models.BooleanField(default=True)
    ws_url = models.CharField(
        max_length=255,
        blank=True,
        help_text="Override of the venue's WebSocket base URL (blank: the real one).",
    )
    rest_url = models.CharField(
        max_length=255, blank=True, help_text="Override of the venue's REST base URL (blank: the real one)."
    )
    taker_fee = models.DecimalField(
        max_digits=12,
        decimal_places=8,
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal("0.1"))],
        help_text="Taker fee as a fraction (0.001 = 0.1%), applied by cost to trade; 0: none.",
    )

    class Meta:
        ordering = ["venue"]

    def __str__(self) -> str:
        return self.venue


class InstrumentKind(models.TextChoices):
    SPOT = "spot"
    PERPETUAL = "perpetual"
    FUTURE = "future"
    OPTION = "option"


class ListedSymbol(models.Model):
    """One entry of a venue's own instrument list, as `sync_instruments` last loaded it."""

    exchange = models.ForeignKey(Exchange, on_delete=models.CASCADE, related_name="listed")
    symbol = models.CharField(max_length=64)
    base = models.CharField(max_length=16)
    quote = models.CharField(max_length=16)
    kind = models.CharField(max_length=16, choices=InstrumentKind.choices)
    contract_size = models.DecimalField(max_digits=30, decimal_places=12, null=True, blank=True)
    tick_size = models.DecimalField(max_digits=30, decimal_places=12, null=True, blank=True)
    loaded_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["exchange", "symbol"], name="listed_symbol_unique")]

    def __str__(self) -> str:
        return f"{self.exchange.venue}:{self.symbol}"


class Instrument(models.Model):
    exchange = models.ForeignKey(Exchange, on_delete=models.CASCADE, related_name="instruments")
    symbol = models.CharField(
        max_length=64, help_text="The venue's own spelling: BTCUSDT, BTCUSD_PERP, BTC-PERPETUAL."
    )
    pair = models.CharField(max_length=32, validators=[PAIR_VALIDATOR], help_text="Canonical BASE-QUOTE.")
    base = models.CharField(max_length=16)
    quote = models.CharField(max_length=16)
    kind = models.CharField(max_length=16, choices=InstrumentKind.choices, default=InstrumentKind.SPOT)
    contract_size = models.DecimalField(
        max_digits=30, decimal_places=12, null=True, blank=True, validators=[MinValueValidator(Decimal(0))]
    )
    tick_size = models.DecimalField(
        max_digits=30, decimal_places=12, null=True, blank=True, validators=[MinValueValidator(Decimal(0))]
    )
    consolidate_into = models.CharField(
        max_length=32,
        blank=True,
        validators=[PAIR_VALIDATOR],
        help_text="Merge this instrument into another pair's consolidated book (e.g. a USD book into BTC-USDT). "
        "Blank: its own pair only.",
    )
    enabled = models.BooleanField(default=True)
    depth = models.PositiveIntegerField(
        default=1000,
        validators=[MinValueValidator(1)],
        help_text="Levels per side to keep (the snapshot depth).",
    )
    stale_after = models.FloatField(
        default=30.0, validators=[MinValueValidator(0.5)], help_text="Seconds without a change before stale."
    )

    class Meta:
        ordering = ["exchange__venue", "symbol"]
        constraints = [models.UniqueConstraint(fields=["exchange", "symbol"], name="instrument_unique")]

    def __str__(self) -> str:
        return f"{self.exchange.venue}:{self.symbol}"

    @property
    def key(self) -> str:
        return f"{self.exchange.venue}:{self.symbol}"

    def clean(self) -> None:
        if self.base and self.quote and self.pair and self.pair != f"{self.base}-{self.quote}":
            raise ValidationError(
                {"pair": f"Pair must be {self.base}-{self.quote}, from its base and quote."}
            )
        if not self.exchange_id:
            return
        listed = ListedSymbol.objects.filter(exchange_id=self.exchange_id)
        if listed.exists() and not listed.filter(symbol=self.symbol).exists():
            raise ValidationError(
                {
                    "symbol": f"{self.symbol!r} is not in {self.exchange.venue}'s instrument list "
                    f"(loaded by sync_instruments). Check the spelling, e.g. BTCUSDT on Binance, "
                    f"BTC-PERPETUAL on Deribit."
                }
            )


class FeedState(models.Model):
    """Last known state of a connection or instrument, written by the feed process for the web side."""

    key = models.CharField(max_length=128, unique=True)  # "binance" or "binance:BTCUSDT"
    venue = models.CharField(max_length=32)
    symbol = models.CharField(max_length=64, blank=True)
    state = models.CharField(max_length=16)
    # Why it is in that state, as the feed process last said it (e.g. the venue's "Invalid symbol.").
    reason = models.CharField(max_length=500, blank=True, default="")
    counters = models.JSONField(default=dict)
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["key"]

    def __str__(self) -> str:
        return f"{self.key}={self.state}"
