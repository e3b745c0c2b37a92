"""How numbers read on a page: one place, so every page says 35.2 % and $1.2M the same way."""

from __future__ import annotations

import math

CURRENCY_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "BRL": "R$", "JPY": "¥"}
STATUS_MARKERS = {"on track": "🟢 on track", "at risk": "🟠 at risk", "off track": "🔴 off track"}


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def count(value, missing: str = "—") -> str:
    return missing if _missing(value) else f"{int(value):,}"


def pct(value, digits: int = 1, missing: str = "—") -> str:
    return missing if _missing(value) else f"{value * 100:.{digits}f} %"


def money(value, currency: str = "USD", missing: str = "—") -> str:
    if _missing(value):
        return missing
    symbol = CURRENCY_SYMBOLS.get(currency, currency + " ")
    magnitude = abs(value)
    sign = "-" if value < 0 else ""
    if magnitude >= 1_000_000:
        return f"{sign}{symbol}{magnitude / 1_000_000:.2f}M"
    if magnitude >= 10_000:
        return f"{sign}{symbol}{magnitude / 1_000:.0f}k"
    return f"{sign}{symbol}{magnitude:,.0f}"


def days(value, missing: str = "—") -> str:
    return missing if _missing(value) else f"{value:.0f} d"


def status(value) -> str:
    return STATUS_MARKERS.get(value, "") if value else ""
