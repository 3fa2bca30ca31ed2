"""The query layer of the organisation's view: what the REST API serialises and the dashboard
renders, as pydantic models (`views.models`).

Every function takes a `ViewContext` (`ViewContext.of(service_context)`: engine, mirrors, the
organisations' file), the caller (`Principal`) and filters, and answers only with what that caller
may see: an organisation or repository it may not see is a 404 problem
(`netgain.service.problems.Problem`), never an empty answer that confirms the name exists.

- `catalog_views`: organisations, organisation, repositories (paged), repository.
- `overview.overview`: headline figures of an organisation (rollups; repository and team filters).
- `metrics_views`: the `netgain metrics --json` document per repository, organisation, team
  (privacy.min_group), the caller's own and one person's (self or admin). Organisation and team
  documents are computed over the combined records of their repositories (`combine`), never
  averaged ratios.
- `changes`: commits (provenance with evidence class), pull requests with their gate decisions
  (rules, reasons, findings with traces, reviewers), decisions per repository or organisation.
- `outcomes`: incidents, findings reported after the merge, the kept risk evaluation.

Filters: `scope.Window(since, until)` (aware datetimes; since inclusive, until exclusive), a list
of repositories, a team name; listings take an opaque `cursor` and a `limit` (`pagination`).
"""
