"""Channel adapters: the only modules that import a messaging library."""
