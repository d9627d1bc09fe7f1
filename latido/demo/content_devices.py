"""Demo requests for the Devices product line: card terminals, readers and printers."""

from __future__ import annotations

from latido.demo.content_types import CategoryContent

DEVICES: list[CategoryContent] = [
    CategoryContent(
        name="Setup & pairing", technical=False, tags=["setup", "onboarding"],
        requests={
            "en": [
                ("Cannot pair the {device} with the app",
                 "Hi,\n\nthe new {device} (serial {serial}) does not show up in the app when "
                 "I try to pair it. Bluetooth is on. What am I doing wrong?\n\n{customer}"),
                ("How do I set up a second {device}?",
                 "We opened a second till and bought another {device}. Can both run on the "
                 "same account and print their own receipts?"),
                ("Which staff roles can use the terminal?",
                 "Can I stop our weekend staff from doing refunds on the {device}?"),
            ],
            "es": [
                ("No consigo vincular el {device}",
                 "Hola, el {device} nuevo (número de serie {serial}) no aparece en la app "
                 "cuando intento vincularlo. ¿Qué hago mal?"),
            ],
            "pl": [
                ("Nie mogę sparować {device} z aplikacją",
                 "Dzień dobry, nowy {device} (numer seryjny {serial}) nie pojawia się w "
                 "aplikacji przy parowaniu. Bluetooth jest włączony."),
            ],
        },
        solution={
            "en": "Hold the power button for ten seconds to put the device in pairing mode "
                  "(the light blinks blue), then choose Add device in the app. Staff "
                  "permissions are under Team → Roles.",
            "es": "Mantén pulsado el botón de encendido diez segundos para entrar en modo "
                  "de vinculación (luz azul parpadeando) y elige Añadir dispositivo en la app.",
            "pl": "Proszę przytrzymać przycisk zasilania przez dziesięć sekund (dioda miga na "
                  "niebiesko) i wybrać Dodaj urządzenie w aplikacji.",
        },
        findings=["Customer's app was two major versions old; update fixed pairing.",
                  "Second device needs its own location; set it up on a call."],
    ),
    CategoryContent(
        name="Hardware fault", technical=True, tags=["hardware", "rma"],
        requests={
            "en": [
                ("{device} does not turn on any more",
                 "Our {device} (serial {serial}) stopped working overnight. It does not "
                 "turn on, even on the charger. We need it for the weekend market."),
                ("Card reader reports {error} on every tap",
                 "Every contactless payment on the {device} fails with {error}. Chip and "
                 "PIN still works."),
                ("Cracked screen on the {device}",
                 "A customer dropped our {device} and the screen is cracked. It still "
                 "works but touch input is unreliable. Can it be repaired?"),
            ],
            "es": [
                ("El {device} no enciende",
                 "Nuestro {device} (serie {serial}) ha dejado de funcionar. No enciende ni "
                 "con el cargador. Lo necesitamos para el fin de semana."),
            ],
            "pl": [
                ("{device} nie włącza się",
                 "Nasz {device} (numer {serial}) przestał działać. Nie włącza się nawet "
                 "po podłączeniu ładowarki."),
            ],
        },
        solution={
            "en": "The diagnostics point to a failed battery board. A replacement device is "
                  "on its way with next-day delivery; please return the old one in the same "
                  "box with the prepaid label.",
            "es": "El diagnóstico indica un fallo de la placa de batería. Te enviamos un "
                  "dispositivo de sustitución; devuelve el antiguo con la etiqueta prepagada.",
            "pl": "Diagnostyka wskazuje na uszkodzoną płytkę baterii. Wysłaliśmy urządzenie "
                  "zastępcze; stare proszę odesłać z opłaconą etykietą.",
        },
        findings=["Remote diagnostics: battery board reports 0 mV; RMA approved.",
                  "NFC antenna self-test fails; known issue in batch 2023-11.",
                  "Screen damage is not covered; offered a paid repair."],
    ),
    CategoryContent(
        name="Firmware & updates", technical=True, tags=["firmware", "update"],
        requests={
            "en": [
                ("{device} stuck at 'Updating' since last night",
                 "The {device} has shown 'Updating 45%' since yesterday evening. Restarting "
                 "does not help. Firmware was {firmware} before."),
                ("Receipts print garbled after update",
                 "Since the firmware update to {firmware} the receipts print strange "
                 "characters instead of accented letters."),
                ("Can we postpone automatic updates?",
                 "Updates install during opening hours and block the terminal for ten "
                 "minutes. Can we choose the time?"),
            ],
            "es": [
                ("El {device} se quedó actualizando",
                 "El {device} lleva desde anoche en 'Actualizando 45%'. Reiniciarlo no "
                 "sirve. Tenía el firmware {firmware}."),
            ],
            "pl": [
                ("{device} zawiesił się na aktualizacji",
                 "Od wczoraj {device} pokazuje 'Aktualizacja 45%'. Restart nie pomaga. "
                 "Wersja oprogramowania {firmware}."),
            ],
        },
        solution={
            "en": "We pushed a recovery image to the device; after a restart it finished "
                  "the update. Update windows can now be set under Devices → Maintenance.",
            "es": "Hemos enviado una imagen de recuperación; tras reiniciar terminó la "
                  "actualización. Puedes elegir la franja en Dispositivos → Mantenimiento.",
            "pl": "Wysłaliśmy obraz odzyskiwania; po restarcie aktualizacja się zakończyła. "
                  "Okno aktualizacji ustawia się w Urządzenia → Konserwacja.",
        },
        findings=["Update interrupted by power loss; recovery image pushed over the air.",
                  "Codepage regression in 4.3.0 printer driver; fix in 4.3.1.",
                  "Confirmed bug: update scheduler ignores local time zone."],
    ),
    CategoryContent(
        name="Connectivity", technical=True, tags=["wifi", "network"],
        requests={
            "en": [
                ("{device} keeps dropping Wi-Fi",
                 "The {device} loses the Wi-Fi connection every few minutes, then payments "
                 "fail with {error}. Our laptop on the same network is fine."),
                ("Terminal offline behind our new router",
                 "We installed a new router and now the {device} says 'No connection to "
                 "payment server'."),
                ("Does the {device} work on 4G only?",
                 "We sell at markets without Wi-Fi. Does the 4G version need a special SIM?"),
            ],
            "es": [
                ("El {device} pierde la conexión Wi-Fi",
                 "El {device} se desconecta del Wi-Fi cada pocos minutos y los pagos fallan "
                 "con {error}."),
            ],
            "pl": [
                ("{device} gubi połączenie Wi-Fi",
                 "{device} co kilka minut traci połączenie z Wi-Fi, a płatności kończą się "
                 "błędem {error}."),
            ],
        },
        solution={
            "en": "The new router blocks outgoing port 8443. Allowing it (or switching the "
                  "terminal to the 2.4 GHz network) fixes the connection; we confirmed a "
                  "test payment.",
            "es": "El router nuevo bloquea el puerto 8443 de salida. Al permitirlo (o usar la "
                  "red de 2,4 GHz) la conexión vuelve; hicimos un pago de prueba.",
            "pl": "Nowy router blokuje port wychodzący 8443. Po jego odblokowaniu (lub "
                  "przejściu na sieć 2,4 GHz) połączenie działa; płatność testowa przeszła.",
        },
        findings=["Device logs show DNS timeouts; router's DNS filter blocks our host.",
                  "Band steering moves the device to 5 GHz, which it does not support.",
                  "Port 8443 closed outbound; customer's IT opened it."],
    ),
    CategoryContent(
        name="Shipping & returns", technical=False, tags=["shipping", "returns"],
        requests={
            "en": [
                ("Where is my {device}? Order {order}",
                 "I ordered a {device} ({order}) ten days ago and tracking has not moved "
                 "since it left the warehouse."),
                ("Return an unused {device}",
                 "We ordered one {device} too many ({order}). It is unopened. How do we "
                 "send it back?"),
                ("Wrong charger in the box",
                 "Order {order} came with a US charger, but our shop is in Germany. Can you "
                 "send the EU version?"),
            ],
            "es": [
                ("¿Dónde está mi pedido {order}?",
                 "Pedí un {device} hace diez días (pedido {order}) y el seguimiento no se "
                 "mueve desde que salió del almacén."),
            ],
            "pl": [
                ("Gdzie jest moje zamówienie {order}?",
                 "Zamówiłem {device} dziesięć dni temu ({order}), a śledzenie przesyłki "
                 "stoi w miejscu."),
            ],
        },
        solution={
            "en": "The carrier lost the parcel, so we sent a new one by express today; you "
                  "will get the tracking link by email. Returns use the prepaid label from "
                  "your order page.",
            "es": "La empresa de transporte perdió el paquete; hoy te enviamos otro urgente. "
                  "Recibirás el enlace de seguimiento por correo.",
            "pl": "Przewoźnik zgubił paczkę, dlatego wysłaliśmy dziś nową ekspresowo. Link "
                  "do śledzenia przyjdzie mailem.",
        },
        findings=["Carrier confirms parcel lost in hub; reshipped express.",
                  "Return label generated; refund on receipt."],
    ),
    CategoryContent(
        name="Warranty", technical=False, tags=["warranty"],
        requests={
            "en": [
                ("Is my {device} still under warranty?",
                 "Our {device} (serial {serial}) has a weak battery. We bought it about "
                 "14 months ago. Is this covered?"),
                ("Extended warranty for all our terminals",
                 "We have eleven terminals. Can we buy an extended warranty for all of them "
                 "at once?"),
                ("Warranty replacement also faulty",
                 "The replacement {device} we received under warranty shows the same fault "
                 "as the first one."),
            ],
            "es": [
                ("¿Sigue en garantía mi {device}?",
                 "La batería de nuestro {device} (serie {serial}) dura muy poco. Lo "
                 "compramos hace unos 14 meses."),
            ],
            "pl": [
                ("Czy {device} jest na gwarancji?",
                 "Bateria w naszym {device} (numer {serial}) szybko się rozładowuje. "
                 "Kupiliśmy go około 14 miesięcy temu."),
            ],
        },
        solution={
            "en": "Your device is covered until next spring, so the battery replacement is "
                  "free of charge. A prepaid label is in your inbox.",
            "es": "Tu dispositivo está en garantía hasta la próxima primavera; el cambio de "
                  "batería es gratuito. Tienes la etiqueta prepagada en tu correo.",
            "pl": "Urządzenie jest na gwarancji do wiosny, więc wymiana baterii jest "
                  "bezpłatna. Etykieta zwrotna jest w skrzynce mailowej.",
        },
        findings=["Purchase date from order history: within the 24-month warranty.",
                  "Second faulty unit from the same batch; flagged to quality team."],
    ),
]
