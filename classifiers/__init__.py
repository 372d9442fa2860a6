"""Classifiers: small students distilled from pseudo-labels, run over everything crawled."""
