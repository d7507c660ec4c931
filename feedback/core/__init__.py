"""Pages that belong to no one capability: home, health, language switch."""
