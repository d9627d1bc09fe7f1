"""Spanish and Polish translations: email out (CC list, acknowledgements, reply templates,
IMAP/OAuth2 mailbox settings)."""

# (msgid, Spanish, Polish)
ENTRIES = [
    # CC recipients
    ("Cc", "Cc", "DW"),
    ("CC recipient", "Destinatario en copia", "Odbiorca kopii (DW)"),
    ("CC recipients", "Destinatarios en copia", "Odbiorcy kopii (DW)"),
    ("%(value)s is not a valid email address.",
     "%(value)s no es una dirección de correo válida.",
     "%(value)s nie jest prawidłowym adresem e-mail."),
    ("A ticket can copy at most %(n)d addresses.",
     "Un ticket puede poner en copia como máximo %(n)d direcciones.",
     "Zgłoszenie może mieć w kopii najwyżej %(n)d adresów."),
    ("%(value)s is one of our own mailboxes.",
     "%(value)s es uno de nuestros propios buzones.",
     "%(value)s to jedna z naszych własnych skrzynek."),
    ("%(value)s is the requester, who gets every reply anyway.",
     "%(value)s es el solicitante, que ya recibe todas las respuestas.",
     "%(value)s to zgłaszający, który i tak otrzymuje każdą odpowiedź."),
    ("You are not allowed to change who is copied on replies.",
     "No tiene permiso para cambiar quién recibe copia de las respuestas.",
     "Nie masz uprawnień do zmiany odbiorców kopii odpowiedzi."),
    ("CC list saved.", "Lista de copia guardada.", "Lista DW zapisana."),
    ("Copied on email replies (CC)", "En copia de las respuestas por correo (CC)",
     "W kopii odpowiedzi e-mail (DW)"),
    ("Nobody is copied on replies.", "Nadie recibe copia de las respuestas.",
     "Nikt nie otrzymuje kopii odpowiedzi."),
    ("CC addresses (separated by commas)", "Direcciones en copia (separadas por comas)",
     "Adresy DW (oddzielone przecinkami)"),
    ("Save CC", "Guardar copia", "Zapisz DW"),
    # Acknowledgements and reply wrapper
    ("[{reference}] We received your request: {subject}",
     "[{reference}] Hemos recibido su solicitud: {subject}",
     "[{reference}] Otrzymaliśmy Twoje zgłoszenie: {subject}"),
    ("Hello {name},\n\n"
     "thank you for writing to us. We opened ticket {reference} for your request "
     "\"{subject}\" and will answer as soon as we can.\n\n"
     "To add something, reply to this email and keep {reference} in the subject.\n\n"
     "This message was sent automatically.",
     "Hola {name}:\n\n"
     "gracias por escribirnos. Hemos abierto el ticket {reference} para su solicitud "
     "«{subject}» y le responderemos lo antes posible.\n\n"
     "Para añadir algo, responda a este correo y mantenga {reference} en el asunto.\n\n"
     "Este mensaje se ha enviado automáticamente.",
     "Dzień dobry {name},\n\n"
     "dziękujemy za wiadomość. Otworzyliśmy zgłoszenie {reference} dla Twojej prośby "
     "„{subject}” i odpowiemy najszybciej, jak to możliwe.\n\n"
     "Aby coś dodać, odpowiedz na tę wiadomość i zachowaj {reference} w temacie.\n\n"
     "Ta wiadomość została wysłana automatycznie."),
    ("Hello {name},\n\n"
     "{body}\n\n"
     "--\n"
     "Ticket {reference}: {subject}\n"
     "Reply to this email to answer; please keep {reference} in the subject.",
     "Hola {name}:\n\n"
     "{body}\n\n"
     "--\n"
     "Ticket {reference}: {subject}\n"
     "Responda a este correo para contestar; mantenga {reference} en el asunto.",
     "Dzień dobry {name},\n\n"
     "{body}\n\n"
     "--\n"
     "Zgłoszenie {reference}: {subject}\n"
     "Odpowiedz na tę wiadomość, aby odpisać; zachowaj {reference} w temacie."),
    ("there", "cliente", "Państwu"),
    ("The acknowledgement to %(to)s could not be delivered after %(n)d attempts: %(error)s",
     "El acuse de recibo a %(to)s no se pudo entregar tras %(n)d intentos: %(error)s",
     "Nie udało się dostarczyć potwierdzenia do %(to)s po %(n)d próbach: %(error)s"),
    ("default language", "idioma predeterminado", "język domyślny"),
    ("Language of automatic mails to customers whose language is unknown.",
     "Idioma de los correos automáticos a clientes cuyo idioma se desconoce.",
     "Język automatycznych wiadomości do klientów, których język jest nieznany."),
    ("acknowledge new tickets", "acusar recibo de tickets nuevos",
     "potwierdzaj nowe zgłoszenia"),
    ("Answer an email that opens a new ticket with an automatic acknowledgement "
     "(never auto-replies, bounces or list mail).",
     "Responder con un acuse de recibo automático al correo que abre un ticket nuevo "
     "(nunca a respuestas automáticas, rebotes ni correo de listas).",
     "Odpowiadaj automatycznym potwierdzeniem na e-mail, który otwiera nowe zgłoszenie "
     "(nigdy na autoodpowiedzi, zwroty ani pocztę z list)."),
    ("Agent reply", "Respuesta de agente", "Odpowiedź agenta"),
    ("Acknowledgement", "Acuse de recibo", "Potwierdzenie"),
    ("New-ticket acknowledgement", "Acuse de recibo de ticket nuevo",
     "Potwierdzenie nowego zgłoszenia"),
    ("Agent reply wrapper", "Marco de las respuestas de agentes", "Ramka odpowiedzi agenta"),
    ("mail template", "plantilla de correo", "szablon wiadomości"),
    ("mail templates", "plantillas de correo", "szablony wiadomości"),
    ("body", "cuerpo", "treść"),
    ("HTML", "HTML", "HTML"),
    ("text", "texto", "tekst"),
    ("Unknown placeholder %(names)s; use %(allowed)s.",
     "Marcador desconocido %(names)s; use %(allowed)s.",
     "Nieznany symbol zastępczy %(names)s; użyj %(allowed)s."),
    ("Wording per language (empty fields use the translated default; placeholders "
     "{reference}, {subject}, {name}, and {body} in the reply wrapper)",
     "Texto por idioma (los campos vacíos usan el texto traducido predeterminado; "
     "marcadores {reference}, {subject}, {name} y {body} en el marco de las respuestas)",
     "Treść w każdym języku (puste pola używają przetłumaczonej treści domyślnej; "
     "symbole {reference}, {subject}, {name} oraz {body} w ramce odpowiedzi)"),
]
