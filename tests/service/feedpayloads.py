"""The feed webhook bodies of the test suite, shared with benchmarks/feeds.py (which never imports
from tests/): the code lives in benchmarks/feedpayloads.py."""

from benchmarks.feedpayloads import (
    JIRA_SECRET,
    PD_SECRET,
    deployment_status,
    jira_issue,
    jira_signed,
    pagerduty_incident,
    pagerduty_note,
    pd_signed,
    release_published,
)

__all__ = [
    "JIRA_SECRET",
    "PD_SECRET",
    "deployment_status",
    "jira_issue",
    "jira_signed",
    "pagerduty_incident",
    "pagerduty_note",
    "pd_signed",
    "release_published",
]
