"""The `netgain` command line."""
