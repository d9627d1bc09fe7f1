"""The Python widget renderer writes exactly the HTML of Django's widget templates."""

from __future__ import annotations

from django import forms
from django.forms.renderers import get_default_renderer

from latido.tickets.forms import (
    AssignForm,
    DeescalateForm,
    EscalateForm,
    NoteForm,
    QueueFilterForm,
    ReplyForm,
    UpdateForm,
)
from latido.tickets.models import Category
from latido.tickets.views.widgets import FAST_RENDERER, FastWidgetRenderer


def _html(form: forms.Form, renderer) -> list[str]:
    form.renderer = renderer
    return [str(form[name]) for name in form.fields]


def _same(make) -> list[str]:
    default, fast = _html(make(), get_default_renderer()), _html(make(), FAST_RENDERER)
    assert fast == default
    return fast


def test_page_forms_render_as_the_templates_do(world):
    Category.objects.create(name='Billing <&> "quotes"')
    world.tier1.display_name = "Ana <b>'Ortiz'</b> & co"
    world.tier1.save()
    ticket = world.ticket
    agents = [world.tier1, world.lead]
    makers = [
        ReplyForm, NoteForm, lambda: UpdateForm.for_ticket(ticket),
        lambda: AssignForm(initial={"version": 1, "assignee": world.tier1.pk}, agents=agents),
        lambda: EscalateForm(initial={"version": 1}, ticket=ticket),
        lambda: DeescalateForm(initial={"version": 1}, ticket=ticket),
        lambda: QueueFilterForm({}),
        lambda: QueueFilterForm({"status": "pending", "priority": "3", "sort": "nonsense"}),
        lambda: ReplyForm({"body": '<script>alert("x")</script>\n& more', "status": "solved"}),
        lambda: UpdateForm({"version": "x", "status": "open", "tags": 'a, "b" <c>'}),
        lambda: AssignForm({"version": "2", "assignee": str(world.lead.pk)}, agents=agents),
        lambda: EscalateForm({"reason": "<i>slow</i>", "handoff_note": "tried"}, ticket=ticket),
    ]
    rendered = [_same(make) for make in makers]
    assert '<option value="3" selected>' in "".join(rendered[7])
    assert "Ana &lt;b&gt;&#x27;Ortiz&#x27;&lt;/b&gt; &amp; co</option>" in "".join(rendered[3])
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;\n&amp; more</textarea>" in (
        "".join(rendered[8]))


def test_other_widgets_fall_back_to_the_templates():
    class Other(forms.Form):
        when = forms.SplitDateTimeField()
        many = forms.MultipleChoiceField(choices=[("a", "A"), ("b", "B")])
        one = forms.ChoiceField(choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect)

    fast = _html(Other(initial={"many": ["b"]}), FastWidgetRenderer())
    assert fast == _html(Other(initial={"many": ["b"]}), get_default_renderer())
    assert '<option value="b" selected>B</option>' in fast[1]
    assert 'type="radio"' in fast[2]


def test_labels_are_the_display_texts(world):
    from django.utils import translation

    from latido.tickets.models import Ticket
    from latido.tickets.views.common import LABELLED_FIELDS, with_labels

    Ticket.objects.filter(pk=world.ticket.pk).update(status="pending", priority=3, tier=2)
    ticket = Ticket.objects.get(pk=world.ticket.pk)
    with translation.override("es"):
        with_labels([ticket])
        for name in LABELLED_FIELDS:
            assert getattr(ticket, f"{name}_label") == getattr(ticket, f"get_{name}_display")()
        assert getattr(ticket, "status_label") == "Pendiente"  # noqa: B009
