"""Candidate retrieval: an in-memory index over every name, alias and identifier."""
