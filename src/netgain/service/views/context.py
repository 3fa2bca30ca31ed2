"""What every view reads from: the store, where mirrors live, and the organisations' file."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine

from netgain.metrics.config import MetricsConfig
from netgain.service.context import ServiceContext
from netgain.service.org_config import OrgConfig, load_org_config


@dataclass(frozen=True)
class ViewContext:
    engine: Engine
    mirrors: Path
    orgs: OrgConfig = field(default_factory=OrgConfig)
    metrics: MetricsConfig = field(default_factory=MetricsConfig)

    @classmethod
    def of(cls, ctx: ServiceContext) -> ViewContext:
        """Built once per service context (the org file is read at start-up, not per request)."""
        cached = getattr(ctx, "_views", None)
        if isinstance(cached, ViewContext):
            return cached
        made = cls(ctx.engine, ctx.settings.mirrors, load_org_config(ctx.settings.org_config))
        object.__setattr__(ctx, "_views", made)
        return made
