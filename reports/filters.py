"""What every report is asked for: a period, a grouping and the ticket filters."""

from dataclasses import dataclass, replace

from .periods import Period


@dataclass(frozen=True)
class Filters:
    period: Period
    grain: str = "day"
    compare: bool = False
    department_id: int | None = None
    agent_id: int | None = None
    category_id: int | None = None
    product_id: int | None = None
    priority_id: int | None = None
    organization_id: int | None = None
    channel: str = ""

    def previous(self) -> "Filters":
        """The same filters over the period of the same length just before."""
        return replace(self, period=self.period.previous(), compare=False)

    def query(self) -> dict[str, str]:
        """The filters as query-string values (links to exports and to other reports)."""
        values = {
            "period": "custom",
            "start": self.period.first.isoformat(),
            "end": self.period.last.isoformat(),
            "grain": self.grain,
        }
        if self.compare:
            values["compare"] = "on"
        for name in ("department", "agent", "category", "product", "priority", "organization"):
            value = getattr(self, f"{name}_id")
            if value is not None:
                values[name] = str(value)
        if self.channel:
            values["channel"] = self.channel
        return values
