"""Quoted history and signatures are stripped for display (en, es, pl, Outlook, HTML)."""

import pytest

from latido.channels.email.quotes import strip_quotes_html, strip_quotes_text


@pytest.mark.parametrize(
    ("text", "visible"),
    [
        # English, attribution on one line and wrapped over two.
        ("Works now.\n\nOn Mon, 4 Mar 2024 at 10:15, Support <s@x.test> wrote:\n> old\n",
         "Works now."),
        ("Works now.\n\nOn Mon, Mar 4, 2024 at 10:15 AM Latido Support <s@x.test>\nwrote:\n"
         "> old\n", "Works now."),
        # Spanish (Gmail and Thunderbird styles).
        ("Gracias.\n\nEl lun, 4 mar 2024 a las 10:15, Soporte (<s@x.test>) escribió:\n> viejo\n",
         "Gracias."),
        ("Listo.\n\nEl 12/03/24 a las 10:15, Ana escribio:\n> viejo\n", "Listo."),
        # Polish (Thunderbird "pisze", Gmail "napisał(a)", "Dnia … napisał").
        ("Dzięki.\n\nW dniu 12.03.2024 o 10:15, Jan Kowalski pisze:\n> stare\n", "Dzięki."),
        ("Dzięki.\n\nW dniu pon., 4 mar 2024 o 10:15 Wsparcie <s@x.test> napisał(a):\n"
         "> stare\n", "Dzięki."),
        ("OK.\n\nDnia 4 marca 2024 10:15 Anna Nowak <a@x.test> napisała:\n> stare\n", "OK."),
        # Outlook blocks.
        ("Yes.\n\n-----Original Message-----\nFrom: S\nSent: Mon\n\nold", "Yes."),
        ("Sí.\n\n________________________________\nDe: Soporte <s@x.test>\n"
         "Enviado: lunes, 4 de marzo de 2024 10:15\nPara: Ana\n\nviejo", "Sí."),
        ("Tak.\n\nOd: Wsparcie <s@x.test>\nWysłano: poniedziałek, 4 marca 2024 10:15\n\nstare",
         "Tak."),
        ("Tak.\n\nOd: Wsparcie <s@x.test>\nWysłane: poniedziałek, 4 marca 2024 10:15\n"
         "Do: Jan\n\nstare", "Tak."),
        # Signature and trailing ">" lines; interleaved answers are kept.
        ("Done.\n\n-- \nJohn Smith\nACME", "Done."),
        ("Top.\n\n> quoted\n> more\n", "Top."),
        ("> question one?\nanswer one\n> question two?\nanswer two",
         "> question one?\nanswer one\n> question two?\nanswer two"),
        # Nothing but a quote: the full text is shown rather than nothing.
        ("> only a quote", "> only a quote"),
        ("Enviado desde mi iPhone", "Enviado desde mi iPhone"),
    ],
)
def test_strip_quotes_text(text, visible):
    assert strip_quotes_text(text) == visible


def test_a_line_that_merely_starts_with_on_is_kept():
    text = "On Monday the app crashed twice.\nPlease help."
    assert strip_quotes_text(text) == text


def test_strip_quotes_html_gmail_outlook_thunderbird():
    assert strip_quotes_html(
        '<div dir="ltr">Thanks!</div><div class="gmail_quote"><div>On Mon … wrote:</div>'
        "<blockquote>old</blockquote></div>"
    ) == '<div dir="ltr">Thanks!</div>'
    assert strip_quotes_html(
        '<div>Yes</div><hr style="display:inline-block"><div id="divRplyFwdMsg">'
        "<b>From:</b> S</div><div>old</div>"
    ) == "<div>Yes</div>"
    assert strip_quotes_html(
        '<p>Ok</p><div class="moz-cite-prefix">El 12/03/24, Ana escribió:</div>'
        '<blockquote type="cite">viejo</blockquote>'
    ) == "<p>Ok</p>"
    only_quote = '<div class="gmail_quote">old</div>'
    assert strip_quotes_html(only_quote) == only_quote


def test_strip_quotes_html_outlook_desktop_border_header():
    markup = (
        "<div class=WordSection1><p class=MsoNormal>Confirmed.</p>"
        "<div style='border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm 0cm'>"
        "<p class=MsoNormal><b>De:</b> Soporte<br><b>Enviado el:</b> lunes</p></div>"
        "<p class=MsoNormal>old</p></div>"
    )
    assert strip_quotes_html(markup) == (
        "<div class=WordSection1><p class=MsoNormal>Confirmed.</p>"
    )


def test_marker_words_in_text_do_not_cut():
    markup = "<p>Our CSS class is gmail_quote, see divRplyFwdMsg docs.</p>"
    assert strip_quotes_html(markup) == markup
