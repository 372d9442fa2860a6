"""Prices: conversion from a reference amount and the many ways sellers write them."""

from __future__ import annotations

import random

# Rough rates from AUD; only the shape of local prices matters, not market accuracy.
RATES: dict[str, float] = {
    "AUD": 1.0, "USD": 0.66, "EUR": 0.61, "GBP": 0.52, "NZD": 1.09, "VND": 16500.0,
    "IDR": 10500.0, "THB": 23.5,
}
NO_PRICE_TEXTS: tuple[str, ...] = ("Price on request", "Contact for price", "Make an offer")


def _sep(n: int, sep: str) -> str:
    """Digits of n grouped in thousands with sep."""
    return f"{n:,}".replace(",", sep)


def local_amount(aud: float, currency: str, rng: random.Random) -> float:
    """Convert an AUD amount and round it the way people price things in that currency."""
    value = aud * RATES[currency]
    if currency == "VND":
        return float(max(10000, round(value, -4)))
    if currency == "IDR":
        return float(max(5000, round(value / 5000) * 5000))
    if currency == "THB":
        return float(max(10, round(value, -1)))
    if value < 100:
        cents = rng.choice((0.0, 0.0, 0.5, 0.99, 0.95))
        return round(int(value) + cents, 2) if int(value) >= 1 else 1.0
    step = 5 if value < 1000 else 50
    return float(max(step, round(value / step) * step))


def _fmt(amount: float, thousands: str, decimal: str, force_cents: bool) -> str:
    """Format with chosen separators; cents shown when forced or when non-zero."""
    whole = int(amount)
    cents = round((amount - whole) * 100)
    body = _sep(whole, thousands)
    if force_cents or cents:
        body += f"{decimal}{cents:02d}"
    return body


def format_price(amount: float, currency: str, style: int) -> str:
    """Render an amount in one of several realistic styles for its currency (style picks one)."""
    us = _fmt(amount, ",", ".", False)
    us2 = _fmt(amount, ",", ".", True)
    eu = _fmt(amount, ".", ",", False)
    eu2 = _fmt(amount, ".", ",", True)
    styles: dict[str, tuple[str, ...]] = {
        "AUD": (f"${us2}", f"AU$ {us}", f"A${us}", f"{us} AUD", f"${us}"),
        "USD": (f"US${us}", f"${us2} USD", f"USD {us}", f"US$ {us2}"),
        "EUR": (f"€{eu2}", f"{eu2} €", f"EUR {us2}", f"{eu} €"),
        "GBP": (f"£{us2}", f"£{us}", f"GBP {us}"),
        "NZD": (f"NZ${us}", f"NZ$ {us2}", f"{us} NZD"),
        "VND": (f"{eu} ₫", f"{us} VND", f"{eu}đ", f"{eu} VNĐ"),
        "IDR": (f"Rp {eu}", f"IDR {us}", f"Rp{eu},-"),
        "THB": (f"฿{us}", f"{us} THB", f"{us} baht"),
    }
    options = styles[currency]
    return options[style % len(options)]


def json_price(amount: float) -> str:
    """The machine-readable price (schema.org expects a plain decimal with a dot)."""
    return f"{amount:.2f}" if amount != int(amount) else f"{int(amount)}.00"
