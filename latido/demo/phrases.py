"""What agents and customers say around the request itself, in the customers' languages.

Internal notes, hand-off notes and escalation reasons are in English, the staff language.
"""

from __future__ import annotations

ACKNOWLEDGE = {
    "en": ["Hi {customer},\n\nthanks for reaching out. I am looking into this now and will "
           "get back to you today.\n\n{agent}",
           "Hello {customer},\n\nthank you for the details. I have started checking your "
           "account and will update you shortly.\n\nBest regards,\n{agent}"],
    "es": ["Hola {customer}:\n\ngracias por escribirnos. Ya lo estoy revisando y te "
           "respondo hoy mismo.\n\n{agent}"],
    "pl": ["Dzień dobry {customer},\n\ndziękuję za wiadomość. Sprawdzam to teraz i odezwę "
           "się jeszcze dziś.\n\n{agent}"],
}

ASK_INFO = {
    "en": ["Hi {customer},\n\ncould you send us a photo of the error on the screen and the "
           "approximate time it happened? That lets us find it in the logs.\n\n{agent}",
           "Hello {customer},\n\nto check this I need the last four digits of the card or "
           "the order number involved. Could you reply with those?\n\n{agent}"],
    "es": ["Hola {customer}:\n\n¿podrías enviarnos una foto del error y la hora aproximada? "
           "Así lo localizamos en los registros.\n\n{agent}"],
    "pl": ["Dzień dobry {customer},\n\nczy mogą Państwo przesłać zdjęcie błędu i przybliżoną "
           "godzinę? Dzięki temu znajdziemy go w logach.\n\n{agent}"],
}

CUSTOMER_INFO = {
    "en": ["Here is the photo. It happened around 10:15, order {order}.",
           "The card ends in {last4}, payment was this morning.",
           "Attached the details you asked for. It happened again just now."],
    "es": ["Aquí está la foto. Pasó sobre las 10:15, pedido {order}.",
           "La tarjeta termina en {last4}, el pago fue esta mañana."],
    "pl": ["Przesyłam zdjęcie. To było około 10:15, zamówienie {order}.",
           "Karta kończy się na {last4}, płatność była dziś rano."],
}

CUSTOMER_CHASE = {
    "en": ["Any news on this? It is still happening.",
           "Hello again, we still need a solution for this, it affects our customers."],
    "es": ["¿Alguna novedad? Sigue pasando."],
    "pl": ["Czy są jakieś nowe informacje? Problem nadal występuje."],
}

CUSTOMER_REOPEN = {
    "en": ["Sorry, the problem is back since this morning.",
           "It worked for two days but now it fails again with the same error."],
    "es": ["Lo siento, el problema ha vuelto esta mañana."],
    "pl": ["Niestety problem wrócił od dzisiejszego rana."],
}

ESCALATED_UPDATE = {
    "en": ["Hi {customer},\n\nI have passed this to our specialist team, who have the tools "
           "to look deeper. They will contact you directly.\n\n{agent}"],
    "es": ["Hola {customer}:\n\nhe pasado el caso a nuestro equipo especialista, que se "
           "pondrá en contacto contigo directamente.\n\n{agent}"],
    "pl": ["Dzień dobry {customer},\n\nprzekazałem sprawę do zespołu specjalistów, którzy "
           "skontaktują się bezpośrednio.\n\n{agent}"],
}

SOLVE_WRAPPER = {
    "en": "Hi {customer},\n\n{solution}\n\nI am closing this request for now; just reply if "
          "anything is still not right.\n\n{agent}",
    "es": "Hola {customer}:\n\n{solution}\n\nCierro la consulta; si algo no va bien, basta "
          "con responder a este mensaje.\n\n{agent}",
    "pl": "Dzień dobry {customer},\n\n{solution}\n\nZamykam zgłoszenie; jeśli coś nadal nie "
          "działa, wystarczy odpowiedzieć na tę wiadomość.\n\n{agent}",
}

PHONE_DESCRIPTION = [
    "Customer called: {subject}. Details as told on the phone: {body}",
]

NOTES = [
    "Checked the account history: no similar issue in the last 6 months.",
    "Customer is a bit frustrated, keep updates frequent.",
    "Looks like the same pattern as last week's incident in this region.",
    "Asked in the team channel, nobody has seen this code before.",
    "Logs attached to the merchant record; waiting for the customer's reply.",
    "VIP merchant (high volume) - please prioritise.",
]

HANDOFF_NOTES = [
    "Tried: restart, re-pairing and a second card. Known: fails for every card since {when}. "
    "Customer expects a fix before the weekend.",
    "Checked account settings and recent changes, nothing obvious. Logs show {error} on every "
    "attempt. Customer needs it working today, they are losing sales.",
    "Walked the customer through the standard checklist; problem persists. Serial {serial}, "
    "firmware {firmware}. They expect a call back.",
    "Reproduced it with a test transaction: {error}. Out of my depth on the acquirer side. "
    "Customer was told specialists will contact them.",
]

ESCALATION_REASONS = [
    "Needs access to acquirer logs",
    "Technical fault beyond Tier 1 checklist",
    "Possible platform bug",
    "Customer impact is high",
]

ENGINEERING_HANDOFF = [
    "Tier 2 analysis: {finding} Looks like a defect on our side, needs a code-level look. "
    "Affected merchants so far: this one.",
    "Reproduced in staging with the customer's configuration. {finding} Needs an engineer "
    "to confirm root cause and ship a fix.",
]

ENGINEER_NOTES = [
    "Root cause found; fix merged and going out with tonight's deploy.",
    "Confirmed: regression from last release. Hotfix deployed, verified with the merchant's "
    "test account.",
    "Config issue on our side for this merchant, corrected in the admin tool.",
]

DEESCALATION_NOTES = [
    "Fix is live. Sending back so the customer gets the confirmation from their usual "
    "contact and we close it once they confirm.",
]

COLLABORATOR_NOTES = {
    "billing": ["Billing here: the credit note is approved, it will show on the next "
                "invoice.",
                "Checked in the finance system - the second charge is a pre-authorisation "
                "that drops off after 7 days."],
    "sales": ["Sales here: this merchant is in renewal talks, happy to offer one month "
              "free as goodwill.",
              "They asked sales about more terminals last week; keep me posted."],
}
