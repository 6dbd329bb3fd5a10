"""The portal's wiring and entry points (app, cli, server) and ground floor (settings, errors)."""
