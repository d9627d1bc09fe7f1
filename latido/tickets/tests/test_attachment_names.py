from __future__ import annotations

import pytest

from latido.tickets.attachments import safe_filename


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ('"', "attachment"),
        ("???", "attachment"),
        ("", "attachment"),
        ("..", "attachment"),
        (".bashrc", "attachment.bashrc"),
        ("C:\\Users\\ana\\Factura marzo.PDF", "Factura_marzo.pdf"),
        ("../../etc/passwd", "passwd"),
        ("rechnung\x00\x07.txt", "rechnung.txt"),
        ("zdjęcie ślubne.JPG", "zdjęcie_ślubne.jpg"),
    ],
)
def test_safe_filename(raw, expected):
    assert safe_filename(raw) == expected


def test_long_names_keep_their_extension():
    name = safe_filename("a" * 400 + ".pdf")
    assert len(name) == 150
    assert name.endswith(".pdf")
