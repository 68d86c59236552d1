"""Fields that Salesforce computes from other fields of the same record."""

from __future__ import annotations

from typing import Any

from .schema import ObjectDef, StageDef


def _full_name(first: str | None, last: str | None) -> str | None:
    return " ".join(p for p in (first, last) if p) or None


def derive_fields(
    obj: ObjectDef, changes: dict[str, Any], current: dict[str, Any], stages: dict[str, StageDef]
) -> dict[str, Any]:
    """``changes`` plus the computed fields they imply, given the ``current`` stored row
    (empty on create).

    * ``Name`` of Contact and User: FirstName + LastName.
    * Opportunity: a new ``StageName`` sets ``IsClosed``, ``IsWon`` and, unless given in the
      same write, ``Probability`` and ``ForecastCategoryName`` (reference §5.3);
      ``ExpectedRevenue`` = Amount * Probability / 100.
    """
    out = dict(changes)
    merged = {**current, **changes}
    name_inputs_changed = not current or "FirstName" in changes or "LastName" in changes
    if "Name" in obj.fields and obj.fields["Name"].calculated and name_inputs_changed:
        out["Name"] = _full_name(merged.get("FirstName"), merged.get("LastName"))
    if obj.name != "Opportunity":
        return out
    stage = stages.get(merged.get("StageName") or "")
    if stage is not None and "StageName" in changes:
        out["IsClosed"] = int(stage.is_closed)
        out["IsWon"] = int(stage.is_won)
        if changes.get("Probability") is None:
            out["Probability"] = float(stage.default_probability)
        if changes.get("ForecastCategoryName") is None:
            out["ForecastCategoryName"] = stage.forecast_category_name
    if {"Amount", "Probability", "StageName"} & changes.keys():
        merged = {**current, **out}
        amount, probability = merged.get("Amount"), merged.get("Probability")
        out["ExpectedRevenue"] = (
            None if amount is None or probability is None else round(amount * probability / 100, 2)
        )
    return out
