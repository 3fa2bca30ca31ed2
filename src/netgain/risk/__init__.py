"""netgain.risk: a just-in-time defect (change-risk) model trained on the repository's history."""
