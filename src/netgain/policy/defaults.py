"""The built-in review policy, also written by `netgain init` as a commented starter file.

It implements the three practices of docs/policy.md: tiered review (more than half AI-written
needs a senior and a clean scan), architectural checkpoints (AI changes to auth, payments or data
access need a human-written design document and an owner; there, lines without evidence count as
AI, so removing a trailer does not avoid the checkpoint), and a clean security scan for every
change whatever its AI share, and an owner's approval for a change to the gate's own
configuration. Each section missing from a team's file falls back to this one.
"""

from __future__ import annotations

STARTER_POLICY = """\
# netgain review policy. Reference: docs/policy.md
# Every section is optional: a missing section uses netgain's built-in default (this file).

[people]
# GitHub logins. Roles may include whole teams with "@team".
teams = {}
roles = { senior = [] }
# Connect git identities (history, blame) to logins: login = [emails or names]
aliases = {}
# codeowners = ".github/CODEOWNERS"   # default: GitHub's search order

# How gates count added lines without AI-authorship evidence (docs/policy.md, "Missing evidence"):
# "unknown" keeps them out of change.ai_share, "ai" counts them. Zones with design_doc = true
# count them as AI unless the zone sets unknown_as = "unknown". An author's own "no AI" marker
# (`AI-Assisted: none`) is human in figures; it lifts a gate only with trust_human_claims = true.
[provenance]
unknown_as = "unknown"
trust_human_claims = false

# Architectural checkpoints: gitignore-style path globs and/or code signals found in the added
# lines (raw_sql, jwt, session, password, crypto, payments). Owners default to CODEOWNERS.
[zones.auth]
description = "authentication and sessions"
paths = ["**/auth/**", "**/login*", "**/session*"]
signals = ["jwt", "session", "password"]
design_doc = true

[zones.payments]
description = "payments and billing"
paths = ["**/payments/**", "**/billing/**"]
signals = ["payments"]
design_doc = true

[zones.data_access]
description = "data access and raw SQL"
paths = ["**/migrations/**", "**/db/**", "**/models/**"]
signals = ["raw_sql"]
design_doc = true

[design_docs]
# Links in the PR description that count: repository files (must exist at head and be
# human-written by provenance) and external URLs (`*` matches anything).
paths = ["docs/adr/**/*.md", "docs/design/**/*.md", "docs/rfcs/**/*.md"]
urls = []
max_ai_share = 0.1
require_human_evidence = false
# a document's lines without evidence count as AI: it must carry human evidence to count
unknown_as = "ai"

# Rules: a CEL condition over `change` (facts listed in docs/policy.md) and what it requires.
[[rules]]
name = "security-scan"
description = "no change may introduce a high or critical finding, whoever wrote it"
if = "true"
scan_clean = "high"

[[rules]]
name = "tiered-review"
description = "mostly AI-written changes need a senior engineer and a clean scan"
tier = "senior"
if = "change.ai_share > 0.5"
scan_clean = "medium"
approvals = [{ count = 1, roles = ["senior"] }]

[[rules]]
name = "first-use-review"
description = "an author's first raw SQL or crypto in this repository gets a senior look"
tier = "senior"
if = 'change.author.first_signals.exists(s, s in ["raw_sql", "crypto", "jwt", "password"])'
approvals = [{ count = 1, roles = ["senior"] }]

[[rules]]
name = "architectural-checkpoint"
description = "AI changes to sensitive zones need a human-written design doc and an owner"
tier = "owner"
if = "size(change.design_doc_zones) > 0"
design_doc = true
approvals = [{ count = 1, zone_owners = true }]

[[rules]]
name = "peer-review"
description = "every change gets one approval from someone other than its author"
tier = "peer"
if = "true"
approvals = [{ count = 1 }]

[[rules]]
name = "policy-change"
description = "a change to the gate's own configuration needs an owner of it"
tier = "owner"
if = "size(change.policy_files_changed) > 0"
approvals = [{ count = 1, policy_owners = true }]

[approval]
all_of = ["security-scan", "tiered-review", "first-use-review", "architectural-checkpoint", "peer-review", "policy-change"]

# The gate's protection against the change it judges. netgain check reads this file, CODEOWNERS
# and every other setting from the base revision; these keys say what a change to them needs.
[gate]
# a change to netgain.toml, CODEOWNERS or a workflow that runs netgain needs an approval from
# the CODEOWNERS of those files (else from the gate roles); the rule is added to your own rules
policy_change_approval = true
# more files whose change is a policy change (gitignore globs), e.g. scripts your CI runs
policy_files = []
# roles whose approval lets a suppression added by a change take effect
# (default: "security" when that role has members, else "senior")
roles = []

[routing]
max_suggestions = 2
load_weight = 1.0
# People in these roles are only suggested where a rule requires them.
reserved_roles = ["senior"]
"""
