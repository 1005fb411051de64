"""Channel adapters: each translates its platform to Inbound / Reply and back."""
