"""Old name of :mod:`residence.gcpause`, kept until ``load.py`` imports it from there."""

from residence.gcpause import no_cycle_collection

__all__ = ["no_cycle_collection"]
