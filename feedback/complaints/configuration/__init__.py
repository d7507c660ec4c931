"""The queue's configuration as managers edit it: routing rules, SLA targets, the business
calendar and its closed dates, reply templates (settings.py caches it for routing)."""
