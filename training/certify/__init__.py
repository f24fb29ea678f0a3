"""Certificates: public verification, downloads for those allowed, wallet cards and revocation."""

from training.certify.routes import bp

__all__ = ["bp"]
