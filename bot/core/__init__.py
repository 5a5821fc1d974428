"""The channel-agnostic core: message models, domain rules and errors."""
