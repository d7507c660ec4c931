"""Topics that managers define, and the tags every comment gets from feedback.analysis."""
