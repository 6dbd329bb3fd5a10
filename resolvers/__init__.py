"""What each field and mutation does, one module per domain; no Strawberry types in here."""
