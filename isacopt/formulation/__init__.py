"""Reformulation helpers: real embeddings, null spaces, snapshot data in solver units."""
