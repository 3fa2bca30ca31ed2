"""netgain.replay: what a review policy would have cost and caught on the repository's own history.

`changes` lists the merged changes (each first-parent step of the mainline: a pull request's merge
or squash commit, or a direct push), `run` evaluates each policy on each change with the gate's
own code (`netgain.policy.facts.gather` and `netgain.policy.evaluate.decide`), `outcomes` reads
what each change later caused from the store (incidents, SZZ-linked defects), and `summary` turns
the verdicts into the per-policy trade-off table (`netgain policy replay`).
"""
