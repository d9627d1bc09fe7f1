"""Filling the demo corpus' placeholders with plausible, seeded values."""

from __future__ import annotations

import random
from typing import Any

DEVICES = ["Pocket Reader", "T200 terminal", "T400 countertop terminal", "P80 receipt printer",
           "Kiosk K1"]
ERRORS = {
    "payments": ["05 Do not honour", "E-1042", "51 Insufficient funds", "ERR_TLS_HANDSHAKE",
                 "HTTP 502", "3DS-TIMEOUT"],
    "devices": ["E-311", "NFC-07", "NET-12", "E-1042", "PRN-04"],
}
FIRMWARE = ["4.1.7", "4.2.0", "4.2.1", "4.3.0"]
WHEN = ["Monday morning", "yesterday's lunch rush", "the last firmware update", "last night"]


class _Values(dict[str, str]):
    """Placeholder values made up on first use, so one message stays self-consistent."""

    def __init__(self, rng: random.Random, lang: str, team: str, known: dict[str, str]) -> None:
        super().__init__(known)
        self.rng = rng
        self.lang = lang
        self.team = team

    def __missing__(self, key: str) -> str:
        rng = self.rng
        value: str
        if key == "order":
            value = f"#{rng.randint(10000, 99999)}"
        elif key == "invoice":
            value = f"INV-{rng.randint(2024, 2025)}-{rng.randint(100, 9999):04d}"
        elif key == "amount":
            cents = rng.randint(1500, 250000)
            whole, frac = divmod(cents, 100)
            value = {"en": f"${whole:,}.{frac:02d}", "es": f"{whole},{frac:02d} €",
                     "pl": f"{whole},{frac:02d} zł"}[self.lang]
        elif key == "device":
            value = rng.choice(DEVICES)
        elif key == "serial":
            value = f"SN-{rng.choice(['T2', 'T4', 'PR', 'P8', 'K1'])}-{rng.randint(1, 999999):06d}"
        elif key == "error":
            value = rng.choice(ERRORS[self.team])
        elif key == "firmware":
            value = rng.choice(FIRMWARE)
        elif key == "last4":
            value = f"{rng.randint(0, 9999):04d}"
        elif key == "when":
            value = rng.choice(WHEN)
        else:
            raise KeyError(key)
        self[key] = value
        return value


class Filler:
    """Fills templates for one ticket; values (order number, device …) stay the same."""

    def __init__(self, rng: random.Random, *, lang: str, team: str, **known: Any) -> None:
        self.values = _Values(rng, lang, team, {k: str(v) for k, v in known.items()})

    def __call__(self, template: str, **extra: Any) -> str:
        values = self.values
        if extra:
            values = _Values(values.rng, values.lang, values.team, {**values,
                             **{k: str(v) for k, v in extra.items()}})
        text = template.format_map(values)
        if extra:
            # keep values invented while filling this template for the next ones
            for key, value in values.items():
                self.values.setdefault(key, value)
        return text
