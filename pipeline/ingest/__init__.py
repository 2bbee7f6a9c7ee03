"""Ingestion: source files in, `Document`s with page provenance and a per-source outcome out."""
