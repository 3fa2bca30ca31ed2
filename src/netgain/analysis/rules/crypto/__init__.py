"""crypto rules."""
