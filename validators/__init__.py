"""pandera schemas for the tracker sheets (imported as ``xladdin.validators``)."""

from __future__ import annotations
