"""The privacy calls' answer models for the OpenAPI spec (``app.api.privacy``): the export
document. Each row is every column of its table, so rows are open objects."""

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

Row = dict[str, Any]


class CustomerExport(BaseModel):
    """Everything Kaiku holds about one customer (``surveys.privacy.export``)."""

    model_config = ConfigDict(extra="allow")

    schema_version: int = Field(description="Bumped when the document's shape changes.")
    exported_at: str
    customer: Row
    stage_changes: list[Row]
    events: list[Row]
    invitations: list[Row]
    responses: list[Row]
    rescue_tasks: list[Row]
    referrals: list[Row]
    emails: list[Row]
    replies: list[Row]
    widget_visits: list[Row]
    widget_refusals: list[Row]
