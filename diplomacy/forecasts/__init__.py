"""Readers' own estimates, the community's, and how they score once a topic resolves.

The arithmetic is plain Python (community.py, scoring.py, calibration.py); models.py keeps the
estimates and their versions, the stored community estimate and its history, resolutions and
scores; views.py has the reader's form, "My estimates" and /scores/.
"""
