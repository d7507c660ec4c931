"""Who hears of what: staff email, work chat and webhooks, from the domain events."""
