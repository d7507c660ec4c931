"""Loyalty: what customers do after they answer. Whether they buy again (return by score
group), what a handled complaint keeps, loyalty types, RFM and computed tiers, and whom to
call today. What each word means is in definitions.py, the one place for those rules."""
