"""What-if: readers move the forces at work and watch a topic's outcomes shift.

So far only the model (model.py, plain Python); the pages follow (issue 14).
"""
