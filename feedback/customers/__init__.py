"""Customers: who they are, their language and tier, and whether they opted out."""
