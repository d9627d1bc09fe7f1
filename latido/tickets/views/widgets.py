"""Form widgets rendered in Python: the same HTML as Django's widget templates, ~10x cheaper.

Django renders every widget through templates, one sub-template per `<option>`, which was
about 20 ms of the ticket page (assign lists every agent of the team). `FAST_RENDERER` writes
the markup of the plain widgets the agent pages use (input, hidden, textarea, select, file)
directly and leaves anything else (e.g. a file input showing an initial file) to the
templates. Escaping matches the templates': `conditional_escape` of `str(value)`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape


def _esc(value: Any) -> str:
    return str(conditional_escape(str(value)))


def _attrs(attrs: dict[str, Any]) -> str:
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        out.append(f" {_esc(name)}" if value is True else f' {_esc(name)}="{_esc(value)}"')
    return "".join(out)


def _input(w: dict[str, Any]) -> str:
    value = "" if w["value"] is None else f' value="{_esc(w["value"])}"'
    return f'<input type="{_esc(w["type"])}" name="{_esc(w["name"])}"{value}{_attrs(w["attrs"])}>'


def _option(o: dict[str, Any]) -> str:
    # select_option.html ends with a newline that its {% include %} keeps.
    label = _esc(o["label"])
    return f'<option value="{_esc(o["value"])}"{_attrs(o["attrs"])}>{label}</option>\n'


def _select(w: dict[str, Any]) -> str:
    parts = [f'<select name="{_esc(w["name"])}"{_attrs(w["attrs"])}>']
    for group_name, group_choices, _index in w["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_esc(group_name)}">')
        parts.extend(f"\n  {_option(o)}" for o in group_choices)
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


def _textarea(w: dict[str, Any]) -> str:
    body = _esc(w["value"]) if w["value"] else ""
    return f'<textarea name="{_esc(w["name"])}"{_attrs(w["attrs"])}>\n{body}</textarea>'


_INPUTS = {f"django/forms/widgets/{n}.html" for n in (
    "input", "hidden", "text", "number", "email", "password", "file", "url", "search", "tel")}


class FastWidgetRenderer(DjangoTemplates):
    """Renders the plain widgets in Python; every other template as Django does."""

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        w = context.get("widget")
        if w is not None:
            if template_name in _INPUTS:
                return _input(w)
            if template_name == "django/forms/widgets/select.html":
                return _select(w)
            if template_name == "django/forms/widgets/textarea.html":
                return _textarea(w)
            if (template_name == "django/forms/widgets/clearable_file_input.html"
                    and not w.get("is_initial")):
                return _input(w)
        return super().render(template_name, context, request)


FAST_RENDERER = FastWidgetRenderer()


def use_fast_widgets(forms_: Iterable[Any]) -> None:
    """Point each form (None and other values are skipped) at the Python widget renderer."""
    for form in forms_:
        if isinstance(form, forms.BaseForm):
            form.renderer = FAST_RENDERER
