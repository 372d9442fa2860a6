"""Labeler: task specs, diversity sampling under a budget, LLM pseudo-labels."""
