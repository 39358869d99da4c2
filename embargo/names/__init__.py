"""Names prepared for comparison: tokens, their roles and keys (``prepare``), and their compiled views with
the rarity of each word (``views``). Both the index (retrieval) and match (scoring) read them; this package
imports neither."""
