"""Channel-agnostic conversations: an `Inbound` goes in, a list of `Reply` comes out."""
