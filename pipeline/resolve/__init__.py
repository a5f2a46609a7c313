"""Resolvers: turn one span that an extractor found into a value (number, unit, comparator).

Extractors find spans; resolvers interpret them. Each resolver works on the matching form of the
span alone, so it can be tested without a document.
"""
