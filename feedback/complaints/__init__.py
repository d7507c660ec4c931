"""Complaint cases: routing rules, SLA deadlines in business hours, the staff queue."""
