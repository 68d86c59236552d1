"""The mapping between a workspace's pipeline stages and the org's Opportunity stages.

Defaults, for each MailTrixy stage, among the org's active stages of the same kind (open, won,
lost): the one of the same name (ignoring case); else one whose name starts like it (its first
six letters: "Proposal" → "Proposal/Price Quote", "Qualified" → "Qualification"); else by order —
the n-th open stage to the n-th open Salesforce stage (the last when there are fewer), won to the
first won stage, lost to the first closed-lost stage.
Admins can change it. An unmapped or inactive stage is an error the sync reports for that record;
it never guesses.
"""

from __future__ import annotations

from dataclasses import dataclass

from mailtrixy.inbox.models import Stage
from mailtrixy.integrations.salesforce.models import StageMapping
from mailtrixy.integrations.salesforce.sync.metadata import OrgMetadata, OrgStage


class StageError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def default_for(stage: Stage, position_in_kind: int, metadata: OrgMetadata) -> OrgStage | None:
    same_kind = [s for s in metadata.stages if s.is_active and s.kind == stage.kind]
    if not same_kind:
        return None
    name = stage.name.lower()
    for matches in (
        lambda s: s.name.lower() == name,
        lambda s: len(name) >= 6 and s.name.lower().startswith(name[:6]),
    ):
        found = next((s for s in same_kind if matches(s)), None)
        if found is not None:
            return found
    return same_kind[min(position_in_kind, len(same_kind) - 1)]


def ensure_defaults(workspace_id: int, metadata: OrgMetadata) -> None:
    """Give every unmapped stage its default mapping (existing mappings are kept)."""
    mapped = set(
        StageMapping.objects.filter(workspace_id=workspace_id).values_list("stage_id", flat=True)
    )
    counters: dict[str, int] = {}
    for stage in Stage.objects.filter(workspace_id=workspace_id).order_by("position", "id"):
        index = counters.get(stage.kind, 0)
        counters[stage.kind] = index + 1
        if stage.pk in mapped:
            continue
        default = default_for(stage, index, metadata)
        if default is not None:
            StageMapping.objects.create(
                workspace_id=workspace_id, stage=stage, salesforce_stage=default.name
            )


@dataclass
class StageMap:
    """Both directions of a workspace's mapping, checked against the org's stages."""

    to_salesforce: dict[int, str]
    to_mailtrixy: dict[str, int]
    metadata: OrgMetadata

    @classmethod
    def load(cls, workspace_id: int, metadata: OrgMetadata) -> StageMap:
        rows = StageMapping.objects.filter(workspace_id=workspace_id).select_related("stage")
        ordered = sorted(rows, key=lambda m: (m.stage.position, m.stage.pk))
        to_mailtrixy: dict[str, int] = {}
        for mapping in ordered:  # several MailTrixy stages may share one: the first wins back
            to_mailtrixy.setdefault(mapping.salesforce_stage.lower(), mapping.stage_id)
        return cls({m.stage_id: m.salesforce_stage for m in rows}, to_mailtrixy, metadata)

    def salesforce_stage(self, stage: Stage) -> str:
        name = self.to_salesforce.get(stage.pk)
        if name is None:
            raise StageError(
                "UNMAPPED_STAGE",
                f"The stage “{stage.name}” has no Salesforce stage. An admin can map it in "
                "Admin → Settings → Integrations → Salesforce.",
            )
        org_stage = self.metadata.stage(name)
        if org_stage is None or not org_stage.is_active:
            raise StageError(
                "INACTIVE_STAGE",
                f"The stage “{stage.name}” maps to “{name}”, which is not an active stage in "
                "Salesforce. An admin can change the mapping.",
            )
        return name

    def mailtrixy_stage_id(self, salesforce_stage: str) -> int:
        stage_id = self.to_mailtrixy.get(salesforce_stage.lower())
        if stage_id is None:
            raise StageError(
                "UNMAPPED_SALESFORCE_STAGE",
                f"The Salesforce stage “{salesforce_stage}” is not mapped to a MailTrixy stage; "
                "the deal keeps its stage until an admin maps it.",
            )
        return stage_id
