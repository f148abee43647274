#!/usr/bin/env python3
"""Writes the bad-input fixtures that tests cannot build themselves: an encrypted PDF."""

import sys
from pathlib import Path

from reportlab.lib.pagesizes import LETTER
from reportlab.pdfgen import canvas

out = Path(sys.argv[1] if len(sys.argv) > 1 else "fixtures/bad")
out.mkdir(parents=True, exist_ok=True)
c = canvas.Canvas(str(out / "encrypted.pdf"), pagesize=LETTER, invariant=1, encrypt="s3cret-owner")
c.drawString(72, 720, "INVOICE 1001 - this document is encrypted")
c.save()
print(f"wrote {out / 'encrypted.pdf'}")
