"""Spanish and Polish translations: shared webhook signing and the phone channel."""

# (msgid, Spanish, Polish)
ENTRIES = [
    ("The webhook secret is not configured.",
     "El secreto del webhook no está configurado.",
     "Sekret webhooka nie jest skonfigurowany."),
]
