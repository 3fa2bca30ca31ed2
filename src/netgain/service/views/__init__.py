"""The query layer of the organisation's view: what the REST API serialises and the dashboard
renders, as pydantic models.

Every function takes the store engine, the caller (`Principal`) and filters, and answers only
with what that caller may see: an organisation or repository it may not see is a 404 problem
(`netgain.service.problems.Problem`), never an empty answer that confirms the name exists.
Metrics are the `netgain metrics --json` document (`netgain.metrics.compute`), per repository or
computed over the combined records of many repositories (never averaged ratios).
"""
