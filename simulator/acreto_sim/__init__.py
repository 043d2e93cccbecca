"""Local simulator of the Acreto platform API v2."""

__version__ = "1.0.0"
