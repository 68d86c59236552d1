"""The admin's stage mapping form: each MailTrixy stage → an active Salesforce stage of its kind."""

from __future__ import annotations

from typing import Any

from django import forms

from mailtrixy.inbox.models import Stage
from mailtrixy.integrations.salesforce.models import StageMapping
from mailtrixy.integrations.salesforce.sync.metadata import OrgMetadata

KIND_WORDS = {"open": "an open", "won": "a won", "lost": "a closed-lost"}


class StageMappingForm(forms.Form):
    def __init__(
        self, *args: Any, stages: list[Stage], metadata: OrgMetadata, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.stages = stages
        self.metadata = metadata
        current = {
            m.stage_id: m.salesforce_stage for m in StageMapping.objects.filter(stage__in=stages)
        }
        choices = [("", "— not mapped —")] + [
            (s.name, f"{s.name} ({s.kind})") for s in metadata.stages if s.is_active
        ]
        for stage in stages:
            self.fields[f"stage_{stage.pk}"] = forms.ChoiceField(
                label=f"{stage.name} ({stage.get_kind_display().lower()})",
                choices=choices,
                required=False,
                initial=current.get(stage.pk, ""),
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for stage in self.stages:
            key = f"stage_{stage.pk}"
            name = data.get(key, "")
            if not name:
                self.add_error(key, f"Choose the Salesforce stage for “{stage.name}”.")
                continue
            org_stage = self.metadata.stage(name)
            if org_stage is None or not org_stage.is_active:
                self.add_error(key, f"“{name}” is not an active stage in Salesforce.")
            elif org_stage.kind != stage.kind:
                kind, theirs = KIND_WORDS[stage.kind], KIND_WORDS[org_stage.kind]
                self.add_error(
                    key,
                    f"“{stage.name}” is {kind} stage; choose {kind} stage in Salesforce "
                    f"(“{name}” is {theirs} one).",
                )
        return data

    def save(self, workspace_id: int) -> None:
        for stage in self.stages:
            StageMapping.objects.update_or_create(
                stage=stage,
                defaults={
                    "workspace_id": workspace_id,
                    "salesforce_stage": self.cleaned_data[f"stage_{stage.pk}"],
                },
            )


class BudgetForm(forms.Form):
    api_budget_percent = forms.IntegerField(
        label="Share of the org's daily API allocation MailTrixy may use",
        min_value=5,
        max_value=95,
        help_text="Syncing pauses when the org's usage reaches this share, and resumes by itself.",
    )
