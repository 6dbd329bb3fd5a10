"""Live ticket events: published with the change's transaction (NOTIFY), heard by one LISTEN
connection per process, fanned out to that process's subscribers by visibility."""
