"""Authentication (who is asking) and visibility (what they may see)."""
