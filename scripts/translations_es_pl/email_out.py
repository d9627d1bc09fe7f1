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
]
