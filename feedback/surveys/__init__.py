"""Surveys, touchpoints, invitations and the answer pages."""
