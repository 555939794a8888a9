"""Pattern metrics and statistics over run tables (pure functions of pandas frames)."""
