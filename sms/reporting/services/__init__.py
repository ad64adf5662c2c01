"""Reporting services (domain.md section 5): the worker register and facts, obligations, the daily sweep.

Facts open obligations by themselves: a service records a fact, derives what it makes reportable and
opens the obligation with its computed deadlines. Time-based duties (an absence reaching its 10th
working day, a worker not starting, a student not enrolling) are opened by the daily sweep with
set-based queries. Opening is idempotent: each obligation has a source key, unique per sponsor.
"""
