"""The netgain service: a GitHub App that gates every pull request on a job queue.

`netgain serve` receives signed webhooks and only enqueues; `netgain worker` processes (or, in the
embedded default, a thread of `serve`) run the same pipeline as `netgain check` on a bare mirror of
the repository and report through the GitHub API. See docs/deploy.md.
"""
