"""What every answer model of the OpenAPI spec shares: open objects (a key added to a
serializer first is not a breaking change), and moments as ISO 8601 text or null."""

from typing import Annotated

from pydantic import BaseModel, ConfigDict, WithJsonSchema

# ISO 8601 with its UTC offset, or null (app.api.serializers.iso).
Moment = Annotated[str, WithJsonSchema({"type": "string", "format": "date-time"})] | None


class Out(BaseModel):
    model_config = ConfigDict(extra="allow")
