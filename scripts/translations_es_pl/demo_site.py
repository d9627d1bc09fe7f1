"""Spanish and Polish translations: the demo's example customer website."""

# (msgid, Spanish, Polish)
ENTRIES = [
    ("Website chat (demo)", "Chat del sitio web (demo)", "Czat na stronie (demo)"),
    ("Website contact form (demo)", "Formulario de contacto del sitio web (demo)",
     "Formularz kontaktowy na stronie (demo)"),
    ("Example customer website", "Sitio web de ejemplo de un cliente",
     "Przykładowa strona firmy"),
    ("This page stands in for a company's own website. It embeds Latido's live-chat widget "
     "and contact form with the same snippets an administrator copies from the configuration "
     "site. Open the chat (bottom right) as a visitor while an agent has the chat console "
     "open, or send the form: both land in the agents' queues.",
     "Esta página hace las veces del sitio web de una empresa. Incluye el widget de chat en "
     "vivo y el formulario de contacto de Latido con los mismos fragmentos que un "
     "administrador copia del sitio de configuración. Abra el chat (abajo a la derecha) como "
     "visitante mientras un agente tiene abierta la consola de chat, o envíe el formulario: "
     "ambos llegan a las colas de los agentes.",
     "Ta strona zastępuje własną witrynę firmy. Osadza widżet czatu na żywo i formularz "
     "kontaktowy Latido za pomocą tych samych fragmentów kodu, które administrator kopiuje z "
     "witryny konfiguracji. Otwórz czat (w prawym dolnym rogu) jako odwiedzający, gdy agent "
     "ma otwartą konsolę czatu, albo wyślij formularz: oba trafiają do kolejek agentów."),
    ("Live chat and the contact form, as a visitor: %(url)s",
     "Chat en vivo y formulario de contacto, como visitante: %(url)s",
     "Czat na żywo i formularz kontaktowy jako odwiedzający: %(url)s"),
]
