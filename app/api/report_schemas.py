"""The dashboard's query string (API and page alike): survey or kind, range, period, slice.

``from``/``to`` are UTC days, both included; without them the last 30 days. ``range`` is a quick
pick (7, 30, 90, quarter) and wins over ``from``/``to``; the page sends it, the API takes it too.
"""

from datetime import date
from typing import Annotated, Any, Literal

import pydantic
from pydantic import BeforeValidator, ConfigDict, Field, StringConstraints

from app.api.errors import from_pydantic
from app.api.schemas import Id, refuse_number
from surveys.kernel.errors import ValidationError
from surveys.reports import dashboard

Slice = Annotated[
    str,
    StringConstraints(
        pattern=r"^(stage|channel|identity|language|agent|attribute:[^\x00-\x1f]{1,64})$"
    ),
]
# A UTC day; a number is refused, not read as a Unix timestamp ("from=0" is not 1970-01-01).
Day = Annotated[date, BeforeValidator(refuse_number)]
DEFAULT_DAYS = "30"
# A trend by day over more than a year is thousands of points nobody reads: week or month then.
MAX_DAILY_DAYS = 366


class DashboardQuery(pydantic.BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    survey: Id | None = None
    kind: Literal["nps", "csat", "ces"] | None = None
    period: Literal["day", "week", "month"] = "week"
    pick: Literal["7", "30", "90", "quarter", "custom"] | None = Field(None, alias="range")
    first: Day | None = Field(None, alias="from")
    last: Day | None = Field(None, alias="to")
    by: Slice | None = None

    def days(self, today: date) -> dashboard.Range:
        """The range asked for.

        :raises ValidationError: ``to`` before ``from``, too long, or too long to show by day.
        """
        if self.pick not in (None, "custom"):
            result = dashboard.quick_range(self.pick, today)
        elif self.first is None and self.last is None:
            result = dashboard.quick_range(DEFAULT_DAYS, today)
        else:
            last = self.last or today
            try:
                result = dashboard.custom_range(self.first or last, last)
            except ValueError as exc:
                raise ValidationError(str(exc), fields={"to": str(exc)}) from None
        if self.period == "day" and result.days > MAX_DAILY_DAYS:
            message = f"By day, a range is at most {MAX_DAILY_DAYS} days: pick week or month."
            raise ValidationError(message, fields={"period": message})
        return result


def dashboard_query(args: Any) -> DashboardQuery:
    """``args`` (a request's query string) validated; empty values count as absent.

    :raises ValidationError: a value the schema refuses, named in ``fields`` (422).
    """
    values = {name: value for name, value in args.items() if value != ""}
    try:
        return DashboardQuery.model_validate(values)
    except pydantic.ValidationError as exc:
        raise from_pydantic(exc) from None
