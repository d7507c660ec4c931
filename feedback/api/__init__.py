"""JSON API v1: touchpoints in (more to come), described at /api/v1/openapi.json."""
