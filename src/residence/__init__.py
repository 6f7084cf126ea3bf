"""residence: scaffold, check, render and archive public-innovation residencies."""

__version__ = "0.1.0.dev0"
