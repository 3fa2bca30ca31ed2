"""netgain.incidents: import incidents, link them to fixing and causing commits, recover PRs
and features from git.

Typical use (what `netgain incidents import` does):

    parsed = parse_file(path, "jira")
    report = import_records(session, repository_id, parsed, str(path))
    recover_pull_requests(session, repository_id)
    classify_features(session, repository_id)
    link_incidents(repo_root, session, repository_id)
"""

from netgain.incidents.features import classify_features, conventional_type
from netgain.incidents.formats import FORMATS, detect_format, parse_file
from netgain.incidents.importer import ImportReport, import_records
from netgain.incidents.link import RANKS, LinkReport, link_incidents
from netgain.incidents.pulls import recover_pull_requests
from netgain.incidents.records import ImportProblem, IncidentRecord, ParseResult

__all__ = [
    "FORMATS",
    "RANKS",
    "ImportProblem",
    "ImportReport",
    "IncidentRecord",
    "LinkReport",
    "ParseResult",
    "classify_features",
    "conventional_type",
    "detect_format",
    "import_records",
    "link_incidents",
    "parse_file",
    "recover_pull_requests",
]
