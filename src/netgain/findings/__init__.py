"""netgain.findings: import security findings reported after the merge (penetration tests, bug
bounties, external SARIF) and trace each to the change that introduced it.

Typical use (what `netgain findings import` does):

    read = read_findings(path, None, source="pentest", root=repo_root)
    report = import_findings(session, repository_id, read)
    link_findings(repo_root, session, repository_id)
"""

from netgain.findings.formats import FORMATS, FindingsFile, read_findings
from netgain.findings.importer import FindingsImport, import_findings
from netgain.findings.link import FindingsLinkReport, link_findings
from netgain.findings.records import SEVERITIES, FindingRecord

__all__ = [
    "FORMATS",
    "SEVERITIES",
    "FindingRecord",
    "FindingsFile",
    "FindingsImport",
    "FindingsLinkReport",
    "import_findings",
    "link_findings",
    "read_findings",
]
