"""Spanish and Polish translations: email channel parsing defects shown to administrators."""

# (msgid, Spanish, Polish)
ENTRIES = [
    ("A header contained a broken encoded word.",
     "Un encabezado contenía una palabra codificada dañada.",
     "Nagłówek zawierał uszkodzone słowo zakodowane."),
    ("A header contained raw 8-bit bytes that are not UTF-8; they were decoded as "
     "Windows-1252.",
     "Un encabezado contenía bytes de 8 bits que no son UTF-8; se decodificaron como "
     "Windows-1252.",
     "Nagłówek zawierał 8-bitowe bajty niebędące UTF-8; zdekodowano je jako Windows-1252."),
    ("A multipart section had no boundary; it was read as plain text.",
     "Una sección multiparte no tenía delimitador; se leyó como texto sin formato.",
     "Sekcja wieloczęściowa nie miała separatora; odczytano ją jako zwykły tekst."),
    ("A multipart section had no boundary; it was reconstructed.",
     "Una sección multiparte no tenía delimitador; se reconstruyó.",
     "Sekcja wieloczęściowa nie miała separatora; została odtworzona."),
    ("A multipart section was not terminated properly.",
     "Una sección multiparte no estaba cerrada correctamente.",
     "Sekcja wieloczęściowa nie została poprawnie zakończona."),
    ("A winmail.dat (TNEF) attachment could not be read; it was kept as is.",
     "No se pudo leer un adjunto winmail.dat (TNEF); se conservó tal cual.",
     "Nie udało się odczytać załącznika winmail.dat (TNEF); zachowano go bez zmian."),
    ("An address header was malformed; addresses were recovered from it.",
     "Un encabezado de dirección estaba mal formado; se recuperaron las direcciones.",
     "Nagłówek adresowy był nieprawidłowy; odzyskano z niego adresy."),
    ("An attachment or body had broken base64 encoding; it was decoded as far as possible.",
     "Un adjunto o el cuerpo tenía una codificación base64 dañada; se decodificó en la "
     "medida de lo posible.",
     "Załącznik lub treść miały uszkodzone kodowanie base64; zdekodowano je w miarę "
     "możliwości."),
    ("Text did not match its character set “{charset}”; it was repaired.",
     "El texto no coincidía con su juego de caracteres «{charset}»; se reparó.",
     "Tekst nie pasował do zestawu znaków „{charset}”; został naprawiony."),
    ("Text had broken quoted-printable encoding; the damaged sequences were kept as they "
     "were.",
     "El texto tenía una codificación quoted-printable dañada; las secuencias dañadas se "
     "conservaron tal cual.",
     "Tekst miał uszkodzone kodowanie quoted-printable; uszkodzone sekwencje zachowano bez "
     "zmian."),
    ("The Date header could not be read; it was ignored.",
     "No se pudo leer el encabezado Date; se ignoró.",
     "Nie udało się odczytać nagłówka Date; został pominięty."),
    ("The attachment “{name}” is empty.",
     "El adjunto «{name}» está vacío.",
     "Załącznik „{name}” jest pusty."),
    ("The message could not be fully parsed ({error}).",
     "No se pudo analizar el mensaje por completo ({error}).",
     "Nie udało się w pełni przetworzyć wiadomości ({error})."),
    ("The message structure could not be read; its body is kept as plain text.",
     "No se pudo leer la estructura del mensaje; su cuerpo se conserva como texto sin formato.",
     "Nie udało się odczytać struktury wiadomości; jej treść zachowano jako zwykły tekst."),
    ("The message has no sender address.",
     "El mensaje no tiene dirección de remitente.",
     "Wiadomość nie ma adresu nadawcy."),
    # "The message is empty." is shared with tickets_services.py.
    ("The message nests too deeply; the innermost parts were ignored.",
     "El mensaje tiene demasiados niveles de anidamiento; se ignoraron las partes más "
     "internas.",
     "Wiadomość jest zbyt głęboko zagnieżdżona; najgłębsze części pominięto."),
    ("Unknown character set “{charset}”; the text was guessed.",
     "Juego de caracteres desconocido «{charset}»; el texto se dedujo.",
     "Nieznany zestaw znaków „{charset}”; tekst odgadnięto."),
]
