"""Scoring: versioned algorithms (tables of features and weights), every score explained."""
