"""Readers' own estimates, the community's, and how they score once a topic resolves.

So far only the pure arithmetic (community.py, scoring.py); the models and pages follow.
"""
