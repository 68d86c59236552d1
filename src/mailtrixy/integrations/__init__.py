"""What every integration shares: the provider registry, the card protocol, the settings pages."""
