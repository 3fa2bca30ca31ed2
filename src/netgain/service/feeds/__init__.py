"""Continuous data: incidents, features and deployments from PagerDuty, Jira and GitHub webhooks,
pull request timeline events (webhooks and an API backfill), and the loaders that turn them into
the inputs of the flow computations (`netgain.metrics.flow`, `review_people`, `validation`)."""
