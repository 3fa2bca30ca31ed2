"""netgain.metrics: DORA and AI-impact metrics with sample sizes, intervals and honest gaps.

Pure families over plain records (`inputs`), statistics in `stats`, the store and git collector in
`collect`, and `compute_metrics` assembling the document behind `metrics --json` and the report.
"""

from netgain.metrics.compute import SCHEMA, compute_metrics
from netgain.metrics.config import MetricsConfig, metrics_config
from netgain.metrics.inputs import (
    Change,
    Dataset,
    Incident,
    LineFate,
    PullRequest,
    ReportedFinding,
    Review,
    SurvivingLines,
    share_bucket,
)
from netgain.metrics.stats import Estimate, proportion, ratio_of_sums, wilson_interval

__all__ = [
    "SCHEMA",
    "Change",
    "Dataset",
    "Estimate",
    "Incident",
    "LineFate",
    "MetricsConfig",
    "PullRequest",
    "ReportedFinding",
    "Review",
    "SurvivingLines",
    "compute_metrics",
    "metrics_config",
    "proportion",
    "ratio_of_sums",
    "share_bucket",
    "wilson_interval",
]
