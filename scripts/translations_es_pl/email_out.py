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
    # IMAP mailbox settings in the configuration UI
    ("Test the IMAP connection", "Probar la conexión IMAP", "Sprawdź połączenie IMAP"),
    ("%(address)s is not an IMAP mailbox.", "%(address)s no es un buzón IMAP.",
     "%(address)s nie jest skrzynką IMAP."),
    ("%(address)s: %(error)s", "%(address)s: %(error)s", "%(address)s: %(error)s"),
    ("IMAP connection to %(host)s failed: %(error)s",
     "La conexión IMAP con %(host)s falló: %(error)s",
     "Połączenie IMAP z %(host)s nie powiodło się: %(error)s"),
    ("SSL/TLS (port 993)", "SSL/TLS (puerto 993)", "SSL/TLS (port 993)"),
    ("STARTTLS (port 143)", "STARTTLS (puerto 143)", "STARTTLS (port 143)"),
    ("None (only on a trusted network)", "Ninguna (solo en una red de confianza)",
     "Brak (tylko w zaufanej sieci)"),
    ("OAuth2 (XOAUTH2) with token refresh (Microsoft 365, Gmail)",
     "OAuth2 (XOAUTH2) con renovación de token (Microsoft 365, Gmail)",
     "OAuth2 (XOAUTH2) z odświeżaniem tokenu (Microsoft 365, Gmail)"),
    ("OAuth2 (XOAUTH2) access token from the environment, no refresh",
     "OAuth2 (XOAUTH2) con token de acceso del entorno, sin renovación",
     "OAuth2 (XOAUTH2) z tokenem dostępu ze środowiska, bez odświeżania"),
    ("Microsoft 365", "Microsoft 365", "Microsoft 365"),
    ("Google (Gmail)", "Google (Gmail)", "Google (Gmail)"),
    ("Other (give the token endpoint)", "Otro (indique el endpoint de tokens)",
     "Inny (podaj punkt końcowy tokenów)"),
    ("The name of the environment variable holding the secret (for example "
     "LATIDO_IMAP_HELP_PASSWORD), never the secret itself.",
     "El nombre de la variable de entorno que contiene el secreto (por ejemplo "
     "LATIDO_IMAP_HELP_PASSWORD), nunca el secreto mismo.",
     "Nazwa zmiennej środowiskowej zawierającej sekret (na przykład "
     "LATIDO_IMAP_HELP_PASSWORD), nigdy sam sekret."),
    ("IMAP server", "Servidor IMAP", "Serwer IMAP"),
    ("port", "puerto", "port"),
    ("Empty: 993 for SSL/TLS, else 143.", "Vacío: 993 para SSL/TLS; si no, 143.",
     "Puste: 993 dla SSL/TLS, w przeciwnym razie 143."),
    ("security", "seguridad", "zabezpieczenia"),
    ("username", "usuario", "nazwa użytkownika"),
    ("authentication", "autenticación", "uwierzytelnianie"),
    ("password variable", "variable de la contraseña", "zmienna z hasłem"),
    ("access token variable", "variable del token de acceso", "zmienna z tokenem dostępu"),
    ("folder", "carpeta", "folder"),
    ("Empty: INBOX.", "Vacío: INBOX.", "Puste: INBOX."),
    ("move to folder after import", "mover a la carpeta tras importar",
     "przenieś do folderu po imporcie"),
    ("Empty: imported messages stay in the folder and are marked as read.",
     "Vacío: los mensajes importados se quedan en la carpeta y se marcan como leídos.",
     "Puste: zaimportowane wiadomości zostają w folderze i są oznaczane jako przeczytane."),
    ("CA certificates file", "archivo de certificados de CA", "plik certyfikatów CA"),
    ("A PEM file of certificate authorities to trust for a server with a private "
     "certificate. Empty: the system's trusted authorities. The certificate is always "
     "verified.",
     "Un archivo PEM de autoridades de certificación en las que confiar para un servidor "
     "con un certificado privado. Vacío: las autoridades de confianza del sistema. El "
     "certificado se verifica siempre.",
     "Plik PEM z urzędami certyfikacji, którym należy ufać w przypadku serwera z prywatnym "
     "certyfikatem. Puste: zaufane urzędy systemu. Certyfikat jest zawsze weryfikowany."),
    ("OAuth2 provider", "proveedor OAuth2", "dostawca OAuth2"),
    ("client ID", "ID de cliente", "identyfikator klienta"),
    ("token endpoint", "endpoint de tokens", "punkt końcowy tokenów"),
    ("Empty: the provider's (Microsoft: login.microsoftonline.com/common, Google: "
     "oauth2.googleapis.com).",
     "Vacío: el del proveedor (Microsoft: login.microsoftonline.com/common, Google: "
     "oauth2.googleapis.com).",
     "Puste: dostawcy (Microsoft: login.microsoftonline.com/common, Google: "
     "oauth2.googleapis.com)."),
    ("scope", "ámbito", "zakres"),
    ("Empty: the provider's IMAP scope.", "Vacío: el ámbito IMAP del proveedor.",
     "Puste: zakres IMAP dostawcy."),
    ("client secret variable", "variable del secreto de cliente",
     "zmienna z sekretem klienta"),
    ("refresh token variable", "variable del token de renovación",
     "zmienna z tokenem odświeżania"),
    ("webhook secret variable", "variable del secreto del webhook",
     "zmienna z sekretem webhooka"),
    ("Give the name of an environment variable (letters, digits and underscores), not the "
     "secret itself.",
     "Indique el nombre de una variable de entorno (letras, dígitos y guiones bajos), no el "
     "secreto mismo.",
     "Podaj nazwę zmiennej środowiskowej (litery, cyfry i podkreślenia), nie sam sekret."),
    ("Give an absolute path.", "Indique una ruta absoluta.", "Podaj ścieżkę bezwzględną."),
    ("This is not a readable PEM file of certificates.",
     "No es un archivo PEM de certificados legible.",
     "To nie jest czytelny plik PEM z certyfikatami."),
    ("An IMAP mailbox needs this.", "Un buzón IMAP necesita este dato.",
     "Skrzynka IMAP tego wymaga."),
    ("Automatic mail", "Correo automático", "Poczta automatyczna"),
    ("OAuth2 (Microsoft 365, Gmail)", "OAuth2 (Microsoft 365, Gmail)",
     "OAuth2 (Microsoft 365, Gmail)"),
    # OAuth2 (XOAUTH2) with token refresh
    ("Unknown IMAP authentication %(value)r (use password, oauth2 or xoauth2).",
     "Autenticación IMAP desconocida %(value)r (use password, oauth2 o xoauth2).",
     "Nieznane uwierzytelnianie IMAP %(value)r (użyj password, oauth2 lub xoauth2)."),
    ("IMAP login failed for %(user)s at %(host)s even with a freshly refreshed OAuth2 token "
     "(check the account's IMAP access and the scope): %(error)s",
     "El inicio de sesión IMAP de %(user)s en %(host)s falló incluso con un token OAuth2 "
     "recién renovado (compruebe el acceso IMAP de la cuenta y el ámbito): %(error)s",
     "Logowanie IMAP %(user)s na %(host)s nie powiodło się nawet ze świeżo odświeżonym "
     "tokenem OAuth2 (sprawdź dostęp IMAP konta i zakres): %(error)s"),
    ("The OAuth2 settings need %(keys)s.", "La configuración OAuth2 necesita %(keys)s.",
     "Ustawienia OAuth2 wymagają %(keys)s."),
    ("The environment variable %(name)s (an OAuth2 secret) is not set.",
     "La variable de entorno %(name)s (un secreto OAuth2) no está definida.",
     "Zmienna środowiskowa %(name)s (sekret OAuth2) nie jest ustawiona."),
    ("The token endpoint %(url)s could not be reached: %(error)s",
     "No se pudo contactar con el endpoint de tokens %(url)s: %(error)s",
     "Nie udało się połączyć z punktem końcowym tokenów %(url)s: %(error)s"),
    ("The token endpoint refused the refresh (HTTP %(status)d): %(error)s",
     "El endpoint de tokens rechazó la renovación (HTTP %(status)d): %(error)s",
     "Punkt końcowy tokenów odrzucił odświeżenie (HTTP %(status)d): %(error)s"),
    ("refreshed at", "renovado el", "odświeżono"),
    ("refreshes", "renovaciones", "odświeżenia"),
    ("OAuth2 access token", "token de acceso OAuth2", "token dostępu OAuth2"),
    ("OAuth2 access tokens", "tokens de acceso OAuth2", "tokeny dostępu OAuth2"),
]

PLURALS = [
    ("%(address)s: connected and signed in; %(n)d message in the folder.",
     "%(address)s: connected and signed in; %(n)d messages in the folder.",
     ("%(address)s: conectado y autenticado; %(n)d mensaje en la carpeta.",
      "%(address)s: conectado y autenticado; %(n)d mensajes en la carpeta."),
     ("%(address)s: połączono i zalogowano; %(n)d wiadomość w folderze.",
      "%(address)s: połączono i zalogowano; %(n)d wiadomości w folderze.",
      "%(address)s: połączono i zalogowano; %(n)d wiadomości w folderze.")),
]
