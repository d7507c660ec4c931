"""JSON API v1: touchpoints in; answers, summaries, cases and customers out, described
at /api/v1/openapi.json."""
