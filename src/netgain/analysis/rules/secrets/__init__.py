"""secrets rules."""
