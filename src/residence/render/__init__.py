"""Outputs made from a gated residency: safe HTML from Markdown, the actor map, the report."""
