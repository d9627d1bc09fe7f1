"""Demo requests for the Payments product line: merchants asking about money.

Each category has requests in English, Spanish and Polish, the answer that solves them, and
what a specialist writes down. Placeholders are filled in by `latido.demo.text`.
"""

from __future__ import annotations

from latido.demo.content_types import CategoryContent

PAYMENTS: list[CategoryContent] = [
    CategoryContent(
        name="Billing & invoices", technical=False, tags=["billing", "invoice"],
        requests={
            "en": [
                ("Invoice {invoice} shows the wrong VAT number",
                 "Hello,\n\nour invoice {invoice} lists an old VAT number. Our accountant "
                 "needs a corrected copy before the end of the month.\n\nThanks,\n{customer}"),
                ("Charged twice for the monthly plan",
                 "Hi, I see two charges of {amount} for the monthly plan on our bank "
                 "statement this month. Can you check and refund one of them?\n\n{customer}"),
                ("How do I download all invoices for last year?",
                 "Our auditor wants every invoice from last year as PDF. Is there a way to "
                 "download them all at once instead of one by one?"),
            ],
            "es": [
                ("Factura {invoice} con datos fiscales incorrectos",
                 "Buenos días,\n\nla factura {invoice} tiene el CIF antiguo de la empresa. "
                 "¿Podéis emitir una factura rectificativa?\n\nUn saludo,\n{customer}"),
            ],
            "pl": [
                ("Faktura {invoice} ma błędny NIP",
                 "Dzień dobry,\n\nna fakturze {invoice} jest stary NIP firmy. Prosimy o "
                 "korektę faktury.\n\nPozdrawiam,\n{customer}"),
            ],
        },
        solution={
            "en": "I have issued a corrected document and sent it to your billing address. "
                  "You can also download it under Settings → Billing.",
            "es": "He emitido el documento corregido y lo hemos enviado a vuestra dirección "
                  "de facturación. También está en Ajustes → Facturación.",
            "pl": "Wystawiłem skorygowany dokument i wysłałem go na adres rozliczeniowy. "
                  "Jest też dostępny w Ustawienia → Płatności.",
        },
        findings=["Billing profile still had the old tax id; updated it and re-issued.",
                  "Duplicate charge came from a retried card authorisation; refund queued."],
    ),
    CategoryContent(
        name="Refunds", technical=False, tags=["refund"],
        requests={
            "en": [
                ("Refund for order {order} not received",
                 "We refunded order {order} ({amount}) to a customer eight days ago and the "
                 "customer still has not seen the money. Where is it?"),
                ("Partial refund button is greyed out",
                 "I want to refund {amount} of order {order} but the partial refund button is "
                 "disabled. A full refund is not what we want."),
                ("Refund sent to the wrong card",
                 "A customer says the refund for {order} went to an old card that is closed. "
                 "What happens to the money now?"),
            ],
            "es": [
                ("Devolución del pedido {order} sin recibir",
                 "Hola, hicimos la devolución del pedido {order} ({amount}) hace una semana y "
                 "el cliente todavía no la ha recibido. ¿Podéis revisarlo?"),
            ],
            "pl": [
                ("Zwrot za zamówienie {order} nie dotarł",
                 "Dzień dobry, zwrot za zamówienie {order} ({amount}) zleciliśmy tydzień temu, "
                 "a klient nadal nie otrzymał pieniędzy. Proszę o sprawdzenie."),
            ],
        },
        solution={
            "en": "The refund was settled on our side; the card issuer shows it with reference "
                  "ARN 7421 0098 1123. Banks take up to ten working days to post it.",
            "es": "La devolución está liquidada por nuestra parte; el banco emisor la tiene "
                  "con la referencia ARN 7421 0098 1123. Puede tardar hasta diez días hábiles.",
            "pl": "Zwrot został rozliczony po naszej stronie; bank wydawcy widzi go pod numerem "
                  "ARN 7421 0098 1123. Księgowanie może potrwać do dziesięciu dni roboczych.",
        },
        findings=["Refund settled, ARN available; issuer delay only.",
                  "Partial refunds disabled because the capture was still pending."],
    ),
    CategoryContent(
        name="Card payments", technical=True, tags=["declines", "card"],
        requests={
            "en": [
                ("Many card payments declined since this morning",
                 "Since about 9 am most card payments in our shop are declined with code "
                 "{error}. Cash works. We are losing sales, please help urgently."),
                ("3-D Secure page never loads for customers",
                 "Customers paying online get stuck on the 3-D Secure step; the page keeps "
                 "spinning. It started after we changed our checkout theme."),
                ("American Express payments rejected",
                 "All Amex payments are rejected with {error}, Visa and Mastercard are fine. "
                 "Did something change on our account?"),
            ],
            "es": [
                ("Pagos con tarjeta rechazados",
                 "Desde esta mañana casi todos los pagos con tarjeta se rechazan con el código "
                 "{error}. ¡Es urgente, estamos perdiendo ventas!"),
            ],
            "pl": [
                ("Płatności kartą są odrzucane",
                 "Od rana większość płatności kartą jest odrzucana z kodem {error}. "
                 "Gotówka działa. Prosimy o pilną pomoc."),
            ],
        },
        solution={
            "en": "The declines came from an expired acquiring certificate on your account; "
                  "we renewed it and the test payments go through again.",
            "es": "Los rechazos venían de un certificado caducado en vuestra cuenta; lo hemos "
                  "renovado y los pagos de prueba ya funcionan.",
            "pl": "Odrzucenia wynikały z wygasłego certyfikatu na Państwa koncie; odnowiliśmy "
                  "go i płatności testowe znów przechodzą.",
        },
        findings=["Acquirer returned 05 for every MCC 5812 transaction after the routing "
                  "change; rolled the merchant back to the previous acquirer profile.",
                  "3DS iframe blocked by the shop's CSP (frame-src); sent them the fix.",
                  "Amex not enabled on the new merchant id; requested activation."],
    ),
    CategoryContent(
        name="Payouts", technical=False, tags=["payout"],
        requests={
            "en": [
                ("Payout for last week is missing",
                 "We normally get paid out every Tuesday. This week nothing arrived, the "
                 "dashboard says {amount} is 'in transit'. When will it arrive?"),
                ("Change the bank account for payouts",
                 "We moved our business account to a new bank. How do we change the payout "
                 "account without interrupting payouts?"),
                ("Payout amount lower than expected",
                 "The payout of {amount} is about 200 less than the sales we see. Which fees "
                 "were taken?"),
            ],
            "es": [
                ("No ha llegado la liquidación semanal",
                 "Hola, esta semana no hemos recibido la liquidación de {amount}. En el panel "
                 "aparece 'en tránsito'. ¿Cuándo llegará?"),
            ],
            "pl": [
                ("Brak wypłaty za ostatni tydzień",
                 "Dzień dobry, w tym tygodniu nie dostaliśmy wypłaty {amount}. W panelu jest "
                 "status 'w drodze'. Kiedy dotrze?"),
            ],
        },
        solution={
            "en": "The payout was held for a routine bank account check, which is now done; "
                  "it was released today and should arrive within one working day.",
            "es": "La liquidación estaba retenida por una verificación rutinaria de la cuenta "
                  "bancaria, ya completada; se ha liberado hoy.",
            "pl": "Wypłata była wstrzymana z powodu rutynowej weryfikacji rachunku, która jest "
                  "już zakończona; została dziś zwolniona.",
        },
        findings=["Payout held by the risk check on the new IBAN; cleared by risk team.",
                  "Fee difference is the chargeback fee for dispute DP-3301."],
    ),
    CategoryContent(
        name="API & webhooks", technical=True, tags=["api", "webhooks", "integration"],
        requests={
            "en": [
                ("Webhooks stopped arriving",
                 "Our endpoint has not received payment.succeeded webhooks since yesterday "
                 "evening. The dashboard shows them as delivered with status {error}."),
                ("API returns 401 with a new key",
                 "We rotated our API key and now every request returns 401. The key is "
                 "copied exactly. What are we missing?"),
                ("Duplicate orders created from webhooks",
                 "Some orders are created twice in our shop. It looks like the same webhook "
                 "event arrives twice a few seconds apart."),
            ],
            "es": [
                ("Los webhooks no llegan",
                 "Desde ayer no recibimos los webhooks de pagos. El panel dice que se "
                 "entregaron con estado {error}."),
            ],
            "pl": [
                ("Webhooki przestały dochodzić",
                 "Od wczoraj nasz serwer nie dostaje webhooków o płatnościach. W panelu "
                 "widać status {error}."),
            ],
        },
        solution={
            "en": "Your endpoint's TLS certificate chain was incomplete, so deliveries failed "
                  "the handshake. With the intermediate certificate installed, we replayed "
                  "the missed events. Please also deduplicate on the event id.",
            "es": "A la cadena de certificados TLS de vuestro servidor le faltaba el "
                  "intermedio. Ya instalado, hemos reenviado los eventos pendientes.",
            "pl": "W łańcuchu certyfikatów TLS Państwa serwera brakowało certyfikatu "
                  "pośredniego. Po jego instalacji ponowiliśmy zaległe zdarzenia.",
        },
        findings=["Deliveries fail with ERR_TLS_HANDSHAKE: missing intermediate cert.",
                  "Key created in test mode, requests go to live; explained key prefixes.",
                  "Retries after a 30 s timeout on their side; they need idempotency."],
    ),
    CategoryContent(
        name="Account access", technical=False, tags=["login", "2fa"],
        requests={
            "en": [
                ("Locked out after changing phone",
                 "I got a new phone and can no longer get the two-factor code. How do I "
                 "get back into our account?"),
                ("Add a second administrator",
                 "Our office manager needs admin rights too. How do I add a second "
                 "administrator to our merchant account?"),
                ("Password reset email never arrives",
                 "I requested a password reset three times and no email arrived, also not "
                 "in spam."),
            ],
            "es": [
                ("No puedo entrar tras cambiar de móvil",
                 "He cambiado de móvil y ya no recibo el código de verificación. ¿Cómo "
                 "recupero el acceso a la cuenta?"),
            ],
            "pl": [
                ("Brak dostępu po zmianie telefonu",
                 "Zmieniłam telefon i nie dostaję kodu weryfikacyjnego. Jak odzyskać dostęp "
                 "do konta?"),
            ],
        },
        solution={
            "en": "After verifying your identity I reset two-factor authentication; you will "
                  "be asked to set it up again at your next sign-in.",
            "es": "Tras verificar tu identidad he restablecido la verificación en dos pasos; "
                  "te pedirá configurarla de nuevo al entrar.",
            "pl": "Po weryfikacji tożsamości zresetowałem uwierzytelnianie dwuskładnikowe; "
                  "przy następnym logowaniu trzeba je ustawić ponownie.",
        },
        findings=["Identity verified with the last four payouts; 2FA reset.",
                  "Reset mails bounced: their mail server rejects our sending domain."],
    ),
]
