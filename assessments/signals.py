"""What the assessments app tells the layers above it, which it may not import."""

from django.dispatch import Signal

# Sent by the workflow when an assessment is submitted, returned or accepted,
# inside the move's transaction and after the assessment is saved, with
# ``assessment``: what a receiver writes is kept or undone with the move.
moved = Signal()
