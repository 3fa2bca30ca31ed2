"""netgain.store."""

# Outcome tables (incidents, SZZ, features, PRs) and reported findings share Base.metadata with the core models, so
# anything that opens or compares the schema sees them.
import netgain.store.finding_models
import netgain.store.outcome_models  # noqa: F401
