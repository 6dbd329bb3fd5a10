"""Strawberry types, inputs, payloads and enums per domain; root.py builds the schema."""
