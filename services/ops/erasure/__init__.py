"""Proving an erasure: what to look for, where, and what was found."""
