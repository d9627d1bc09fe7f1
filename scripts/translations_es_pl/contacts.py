"""Spanish and Polish translations: contacts (identities, merge, the agent contact pages)."""

# (msgid, Spanish, Polish)
ENTRIES = [
    ("A contact cannot be merged into itself.",
     "Un contacto no puede fusionarse consigo mismo.",
     "Nie można scalić kontaktu z samym sobą."),
    ("%(name)s was already merged into %(target)s.",
     "%(name)s ya se fusionó con %(target)s.",
     "%(name)s został już scalony z %(target)s."),
    ("Both contacts sign in to the portal with their own login (%(a)s and %(b)s). Merging "
     "would take one of them away; deactivate one login first.",
     "Ambos contactos inician sesión en el portal con su propio acceso (%(a)s y %(b)s). "
     "Fusionarlos quitaría uno de ellos; desactive primero uno de los accesos.",
     "Oba kontakty logują się do portalu własnym loginem (%(a)s i %(b)s). Scalenie "
     "odebrałoby jeden z nich; najpierw dezaktywuj jeden login."),
    ("Both contacts have a %(what)s that can exist only once per contact; resolve that first.",
     "Ambos contactos tienen un registro «%(what)s» que solo puede existir una vez por "
     "contacto; resuélvalo primero.",
     "Oba kontakty mają rekord „%(what)s”, który może istnieć tylko raz na kontakt; najpierw "
     "to rozwiąż."),
    ("A social handle needs a platform (for example: twitter).",
     "Un usuario de red social necesita una plataforma (por ejemplo: twitter).",
     "Nazwa użytkownika w serwisie społecznościowym wymaga platformy (na przykład: twitter)."),
    ("%(value)s already belongs to %(name)s (contact #%(id)d). If they are the same person, "
     "merge the two contacts instead.",
     "%(value)s ya pertenece a %(name)s (contacto n.º %(id)d). Si son la misma persona, "
     "fusione los dos contactos.",
     "%(value)s należy już do: %(name)s (kontakt nr %(id)d). Jeśli to ta sama osoba, scal "
     "oba kontakty."),
    ("%(value)s already belongs to another contact.",
     "%(value)s ya pertenece a otro contacto.",
     "%(value)s należy już do innego kontaktu."),
    ("This address does not belong to the contact.",
     "Esta dirección no pertenece al contacto.",
     "Ten adres nie należy do kontaktu."),
    ("This is the last email address of a contact who signs in to the portal; add another "
     "address first.",
     "Es la última dirección de correo de un contacto que inicia sesión en el portal; añada "
     "primero otra dirección.",
     "To ostatni adres e-mail kontaktu, który loguje się do portalu; najpierw dodaj inny "
     "adres."),
    ("Search contacts", "Buscar contactos", "Szukaj kontaktów"),
    ("Name, email address or phone", "Nombre, correo electrónico o teléfono",
     "Imię i nazwisko, adres e-mail lub telefon"),
    ("Type of identity", "Tipo de identificador", "Rodzaj identyfikatora"),
    ("Email, phone or handle", "Correo, teléfono o usuario", "E-mail, telefon lub nazwa "
                                                              "użytkownika"),
    ("Social platform", "Red social", "Serwis społecznościowy"),
    ("Only for social handles, for example: twitter, facebook, whatsapp.",
     "Solo para usuarios de redes sociales, por ejemplo: twitter, facebook, whatsapp.",
     "Tylko dla nazw użytkowników serwisów społecznościowych, na przykład: twitter, "
     "facebook, whatsapp."),
    ("You are not allowed to change customer records.",
     "No tiene permiso para modificar los registros de clientes.",
     "Nie masz uprawnień do zmiany danych klientów."),
    ("%(name)s has tickets you cannot see, so you cannot merge this contact. Ask a team lead "
     "or a coordinator.",
     "%(name)s tiene tickets que usted no puede ver, así que no puede fusionar este contacto. "
     "Pídaselo a un jefe de equipo o a un coordinador.",
     "%(name)s ma zgłoszenia, których nie widzisz, więc nie możesz scalić tego kontaktu. "
     "Poproś lidera zespołu lub koordynatora."),
    ("Older interactions", "Interacciones anteriores", "Starsze interakcje"),
    ("Email addresses, phones and handles", "Correos, teléfonos y usuarios",
     "Adresy e-mail, telefony i nazwy użytkowników"),
    ("Signs in to the portal", "Inicia sesión en el portal", "Loguje się do portalu"),
    ("No contact matches.", "Ningún contacto coincide.", "Brak pasujących kontaktów."),
    ("No other contact matches.", "Ningún otro contacto coincide.",
     "Brak innych pasujących kontaktów."),
    ("Contacts", "Contactos", "Kontakty"),
    ("Signs in to the portal as %(email)s", "Inicia sesión en el portal como %(email)s",
     "Loguje się do portalu jako %(email)s"),
    ("More tickets", "Más tickets", "Więcej zgłoszeń"),
    ("No tickets yet.", "Todavía no hay tickets.", "Brak zgłoszeń."),
    ("Interactions across channels", "Interacciones en todos los canales",
     "Interakcje we wszystkich kanałach"),
    ("No interactions yet.", "Todavía no hay interacciones.", "Brak interakcji."),
    ("Remove %(value)s", "Quitar %(value)s", "Usuń %(value)s"),
    ("Remove identity", "Quitar", "Usuń"),
    ("No email address, phone or handle yet.",
     "Todavía no hay correo, teléfono ni usuario.",
     "Brak adresu e-mail, telefonu i nazwy użytkownika."),
    ("Merge %(name)s into this contact", "Fusionar %(name)s con este contacto",
     "Scal %(name)s z tym kontaktem"),
    ("Add identity", "Añadir", "Dodaj"),
    ("Merge a duplicate into this contact", "Fusionar un duplicado con este contacto",
     "Scal duplikat z tym kontaktem"),
    ("The duplicate's tickets, email addresses, phones and handles move here; the duplicate "
     "is removed.",
     "Los tickets, correos, teléfonos y usuarios del duplicado pasan aquí; el duplicado se "
     "elimina.",
     "Zgłoszenia, adresy e-mail, telefony i nazwy użytkowników duplikatu trafiają tutaj; "
     "duplikat zostaje usunięty."),
    ("Find duplicates", "Buscar duplicados", "Znajdź duplikaty"),
    ("Merge contacts", "Fusionar contactos", "Scal kontakty"),
    ("Merge a duplicate into %(name)s", "Fusionar un duplicado con %(name)s",
     "Scal duplikat z: %(name)s"),
    ("Back to the contact", "Volver al contacto", "Wróć do kontaktu"),
    ("Merge %(source)s into %(target)s?", "¿Fusionar %(source)s con %(target)s?",
     "Scalić %(source)s z %(target)s?"),
    ("Both contacts sign in to the portal with their own login. Merging would take one of "
     "them away; deactivate one login first.",
     "Ambos contactos inician sesión en el portal con su propio acceso. Fusionarlos quitaría "
     "uno de ellos; desactive primero uno de los accesos.",
     "Oba kontakty logują się do portalu własnym loginem. Scalenie odebrałoby jeden z nich; "
     "najpierw dezaktywuj jeden login."),
    ("Everything of %(source)s moves to this contact, and %(source)s is removed:",
     "Todo lo de %(source)s pasa a este contacto y %(source)s se elimina:",
     "Wszystko z kontaktu %(source)s trafia do tego kontaktu, a %(source)s zostaje usunięty:"),
    ("The portal login %(email)s", "El acceso al portal %(email)s",
     "Login do portalu %(email)s"),
    ("No tickets.", "Sin tickets.", "Brak zgłoszeń."),
    ("…and more tickets.", "…y más tickets.", "…i więcej zgłoszeń."),
    ("Identity added.", "Identificador añadido.", "Identyfikator dodany."),
    ("Identity removed.", "Identificador quitado.", "Identyfikator usunięty."),
    ("Merged into this contact", "Fusionados con este contacto", "Scalone z tym kontaktem"),
    ("Choose the contact to merge.", "Elija el contacto que desea fusionar.",
     "Wybierz kontakt do scalenia."),
]

# (msgid, msgid_plural, (Spanish one, other), (Polish one, few, many))
PLURALS = [
    ("%(source)s was merged into %(target)s; %(n)d ticket moved.",
     "%(source)s was merged into %(target)s; %(n)d tickets moved.",
     ("%(source)s se fusionó con %(target)s; se movió %(n)d ticket.",
      "%(source)s se fusionó con %(target)s; se movieron %(n)d tickets."),
     ("%(source)s scalono z %(target)s; przeniesiono %(n)d zgłoszenie.",
      "%(source)s scalono z %(target)s; przeniesiono %(n)d zgłoszenia.",
      "%(source)s scalono z %(target)s; przeniesiono %(n)d zgłoszeń.")),
    ("By %(who)s, %(when)s; %(n)s ticket moved",
     "By %(who)s, %(when)s; %(n)s tickets moved",
     ("Por %(who)s, %(when)s; se movió %(n)s ticket",
      "Por %(who)s, %(when)s; se movieron %(n)s tickets"),
     ("Przez: %(who)s, %(when)s; przeniesiono %(n)s zgłoszenie",
      "Przez: %(who)s, %(when)s; przeniesiono %(n)s zgłoszenia",
      "Przez: %(who)s, %(when)s; przeniesiono %(n)s zgłoszeń")),
]
