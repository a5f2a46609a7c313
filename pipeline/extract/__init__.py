"""Extract stage: each module finds one kind of item in a :class:`~pipeline.textview.TextView`.

Extractors are plain functions (testable without spaCy); ``pipeline.components`` wraps each one
as a spaCy component.
"""
