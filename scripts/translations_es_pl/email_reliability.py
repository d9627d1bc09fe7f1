"""Spanish and Polish translations: email reliability (lost sending attempts)."""

# (msgid, Spanish, Polish)
ENTRIES = [
    ("Delivery unknown: the worker stopped while handing this email to the mail server, so "
     "it may or may not have arrived. It is not sent again automatically; check with the "
     "recipient before sending it again.",
     "Entrega desconocida: el proceso de envío se detuvo mientras entregaba este correo al "
     "servidor de correo, así que puede que haya llegado o no. No se vuelve a enviar "
     "automáticamente; consulte con el destinatario antes de enviarlo de nuevo.",
     "Doręczenie nieznane: proces wysyłający zatrzymał się podczas przekazywania tej "
     "wiadomości do serwera poczty, więc mogła dotrzeć albo nie. Nie zostanie wysłana "
     "ponownie automatycznie; przed ponownym wysłaniem sprawdź u odbiorcy."),
    ("The email to %(to)s (subject \"%(subject)s\") may not have been delivered: the worker "
     "sending it stopped midway. It was not sent again automatically; check with the "
     "recipient before sending it again.",
     "Es posible que el correo a %(to)s (asunto «%(subject)s») no se haya entregado: el "
     "proceso que lo enviaba se detuvo a mitad. No se volvió a enviar automáticamente; "
     "consulte con el destinatario antes de enviarlo de nuevo.",
     "Wiadomość do %(to)s (temat „%(subject)s”) mogła nie zostać doręczona: proces, który "
     "ją wysyłał, zatrzymał się w trakcie. Nie wysłano jej ponownie automatycznie; przed "
     "ponownym wysłaniem sprawdź u odbiorcy."),
]
