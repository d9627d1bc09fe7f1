from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from latido.core.sanitize import html_to_text, sanitize_html, text_to_html


def test_scripts_handlers_and_bad_schemes_are_removed():
    dirty = (
        '<div onmouseover="steal()"><script>alert(1)</script><img src=x onerror=alert(2)>'
        '<a href="javascript:alert(3)">x</a><a href="https://ok.test/">ok</a>'
        "<style>body{display:none}</style><iframe src=//evil></iframe></div>"
    )
    clean = sanitize_html(dirty)
    for bad in ("<script", "onmouseover", "onerror", "javascript:", "<style", "<iframe"):
        assert bad not in clean
    assert 'href="https://ok.test/"' in clean
    assert 'rel="noopener noreferrer nofollow"' in clean


def test_text_is_escaped_and_keeps_paragraphs():
    assert text_to_html("a < b\nline two\n\nnext") == "<p>a &lt; b<br>line two</p><p>next</p>"


def test_html_to_text():
    assert html_to_text("<p>Hello&nbsp;<b>world</b></p><p>Bye</p>") == "Hello\xa0world\n\nBye"


@given(st.text(max_size=300))
def test_sanitised_output_never_contains_a_script_tag(raw):
    out = sanitize_html(raw + "<script>x</script>")
    assert "<script" not in out.lower()
