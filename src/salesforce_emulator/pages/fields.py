"""Field values on the record page: how each type is shown, edited, and read back from a form."""

from __future__ import annotations

from typing import Any

from salesforce_emulator.pages.html import Markup, esc, join
from salesforce_emulator.schema import FieldDef

RECORD_PAGES = ("Account", "Contact", "Opportunity")
SHOWN = "__shown"
_NUMBER_TYPES = frozenset({"int", "double", "currency", "percent"})
_INPUT_TYPES = {
    "date": "date",
    "datetime": "datetime-local",
    "email": "email",
    "url": "url",
    "phone": "tel",
}


def show(field: FieldDef, value: Any) -> Markup:
    if value is None:
        return Markup("")
    if field.type == "boolean":
        return Markup("✔") if value else Markup("✘")
    if field.type == "reference" and field.reference_to and field.reference_to[0] in RECORD_PAGES:
        target = f"/lightning/r/{esc(field.reference_to[0])}/{esc(value)}/view"
        return Markup(f'<a href="{target}">{esc(value)}</a>')
    return esc(value)


def editor(field: FieldDef, value: Any) -> Markup:
    name = esc(field.name)
    attrs = Markup(f'id="f-{name}" name="{name}"')
    if field.type == "boolean":
        checked = " checked" if value else ""
        # An unticked checkbox sends nothing; the marker says the field was on the form.
        marker = f'<input type="hidden" name="{name}{SHOWN}" value="1">'
        return Markup(f'{marker}<input type="checkbox" {attrs}{checked}>')
    if field.type in {"picklist", "combobox"} and field.picklist_values:
        return _select(field, attrs, value)
    if field.type == "textarea":
        return Markup(f'<textarea class="slds-input" rows="3" {attrs}>{esc(value)}</textarea>')
    kind = "number" if field.type in _NUMBER_TYPES else _INPUT_TYPES.get(field.type, "text")
    step = ' step="any"' if kind == "number" else ""
    shown = str(value)[:19] if field.type == "datetime" and value else value
    return Markup(f'<input class="slds-input" type="{kind}"{step} {attrs} value="{esc(shown)}">')


def _select(field: FieldDef, attrs: Markup, value: Any) -> Markup:
    options = [Markup('<option value="">--None--</option>')] if field.nillable else []
    for pick in field.picklist_values:
        selected = " selected" if pick.value == value else ""
        options.append(
            Markup(f'<option value="{esc(pick.value)}"{selected}>{esc(pick.label)}</option>')
        )
    return Markup(f'<select class="slds-input" {attrs}>{join(options)}</select>')


def submitted(field: FieldDef, form: dict[str, str]) -> bool:
    """Whether the form carried this field at all (fields left off a form stay as they are)."""
    return (field.name + SHOWN if field.type == "boolean" else field.name) in form


def from_form(field: FieldDef, form: dict[str, str]) -> Any:
    """The JSON value a form field stands for; empty means null; a missing checkbox is false."""
    if field.type == "boolean":
        return field.name in form
    raw = form.get(field.name, "").strip()
    if raw == "":
        return None
    if field.type == "int":
        return int(float(raw))
    if field.type in _NUMBER_TYPES:
        return float(raw)
    return raw


def same(field: FieldDef, before: Any, after: Any) -> bool:
    """Whether a submitted value leaves the field as it was (so the page writes only changes)."""
    if field.type == "datetime" and before and after:
        return str(before)[:16] == str(after)[:16]
    if field.type in _NUMBER_TYPES and before is not None and after is not None:
        return float(before) == float(after)
    return bool(before == after)
