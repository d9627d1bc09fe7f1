"""Believable help-desk wording, prepared once as (sanitised HTML, plain text) pairs.

Bodies go through the same `text_to_html` / `html_to_text` the services use, so the stored
HTML and text are exactly what a plain-text message sent through the API would store.
"""

from __future__ import annotations

import json
import random

from latido.core.sanitize import html_to_text, text_to_html

PRODUCTS = ("Latido Pay", "the mobile app", "the Pro plan", "the X2 router", "my account",
            "the invoice portal", "the smart thermostat", "the business dashboard")
SUBJECTS = (
    "Charged twice for order {n}", "Cannot log in since the update", "Refund for order {n}",
    "Invoice {n} shows the wrong VAT number", "Password reset email never arrives",
    "Router keeps dropping the connection", "App crashes when I open settings",
    "Delivery {n} is late", "How do I add a second user?", "Card declined at checkout",
    "Export to CSV is empty", "Upgrade to the Pro plan", "Two-factor code not accepted",
    "Wrong item received in order {n}", "Subscription renewed after cancelling",
    "Thermostat shows offline", "Cannot change the billing address", "Data missing in report",
    "Question about my contract {n}", "Payment pending for three days",
)
CUSTOMER = (
    "Hello, I have a problem with {p}.",
    "I tried again this morning and it still does not work.",
    "My order number is {n} if that helps.",
    "This is the second time it happens this month.",
    "I already restarted everything as your help article says.",
    "Could you please look into it as soon as possible?",
    "I attached nothing because the screen just goes blank.",
    "My colleague has the same issue on another computer.",
    "Thanks for the quick answer, but the problem is back.",
    "I need this fixed before our month-end closing.",
)
AGENT = (
    "Thanks for reaching out about {p}.",
    "I checked your account and I can see what happened.",
    "I have corrected it on our side; it can take up to an hour to show.",
    "Could you send me a screenshot of the message you see?",
    "Please try signing out and in again and tell me if it helps.",
    "I have issued a refund for order {n}; it will reach your card in 3 to 5 days.",
    "Our engineers deployed a fix this morning.",
    "Sorry for the trouble this caused.",
)
SOLVING = "I am marking this as solved; just reply if anything is still wrong."
NOTES = (
    "Customer is on the legacy plan; promo code applied twice.",
    "Checked logs: token expired at {n}. Likely the clock skew bug.",
    "Billing confirmed the double charge, refund approved.",
    "Same symptom as three other tickets today, possible incident.",
    "VIP account, keep the customer updated daily.",
    "Waiting for the warehouse to confirm the shipment.",
)
HANDOFFS = (
    "Tried a password reset and a cache clear; the error persists. Logs show a 500 on "
    "the sign-in call. Customer expects access today.",
    "Refund failed twice with a gateway timeout. Order {n}. Customer was promised an "
    "answer within 24 hours.",
    "Device resets every few minutes after firmware update; factory reset did not help. "
    "Serial number is in the first message.",
    "Report totals differ from the export for the same period; reproduced on my side.",
)
REASONS = ("Needs product expertise", "Possible bug", "Refund above Tier 1 limit",
           "Needs database access", "Customer asked for a specialist")


def _pair(text: str) -> tuple[str, str]:
    markup = text_to_html(text)
    return markup, html_to_text(markup)


def _bodies(rng: random.Random, lines: tuple[str, ...], count: int, size: tuple[int, int],
            greeting: str, closing: str) -> list[tuple[str, str]]:
    out = []
    for _ in range(count):
        chosen = rng.sample(lines, rng.randint(*size))
        body = " ".join(s.format(p=rng.choice(PRODUCTS), n=rng.randint(1000, 99999))
                        for s in chosen)
        parts = [greeting, body, closing] if greeting else [body]
        out.append(_pair("\n\n".join(p for p in parts if p)))
    return out


class Texts:
    """Pools of subjects and bodies; picking from them costs one random call."""

    def __init__(self, seed: int = 7) -> None:
        rng = random.Random(seed)
        self.customers = _bodies(rng, CUSTOMER, 400, (2, 5), "", "Best regards,\nAna")
        self.agents = _bodies(rng, AGENT, 400, (2, 4), "Hi,", "Kind regards,\nSupport team")
        self.solving = _bodies(rng, AGENT, 200, (1, 3), "Hi,",
                               SOLVING + "\n\nKind regards,\nSupport team")
        self.notes = _bodies(rng, NOTES, 100, (1, 2), "", "")
        self.handoffs = _bodies(rng, HANDOFFS, 50, (1, 2), "", "")
        self._reply_data: dict[str, str] = {}

    def subject(self, rng: random.Random) -> str:
        return rng.choice(SUBJECTS).format(n=rng.randint(1000, 99999))

    def customer(self, rng: random.Random) -> tuple[str, str]:
        return rng.choice(self.customers)

    def agent(self, rng: random.Random) -> tuple[str, str]:
        return rng.choice(self.agents)

    def solve(self, rng: random.Random) -> tuple[str, str]:
        return rng.choice(self.solving)

    def note(self, rng: random.Random) -> tuple[str, str]:
        return rng.choice(self.notes)

    def handoff(self, rng: random.Random) -> tuple[str, str]:
        return rng.choice(self.handoffs)

    def reason(self, rng: random.Random) -> str:
        return rng.choice(REASONS)

    def reply_data(self, channel: str) -> str:
        if channel not in self._reply_data:
            self._reply_data[channel] = json.dumps({"channel": channel, "public": True})
        return self._reply_data[channel]
