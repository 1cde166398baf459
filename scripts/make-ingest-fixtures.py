#!/usr/bin/env python3
"""Writes the small ingest fixtures under tests/fixtures/ingest/: one good
file per reader (also the fuzzer's seeds), a PDF with a table, one per text
encoding, and one per kind of bad input. They are committed; run this again only to change them.

Needs: pip install reportlab python-docx   (reportlab brings Pillow)
Usage: python3 scripts/make-ingest-fixtures.py
"""

import io
import random
import zipfile
from pathlib import Path

from docx import Document as WordDocument
from PIL import Image
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.utils import ImageReader
from reportlab.lib import pdfencrypt
from reportlab.pdfgen import canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

ROOT = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "ingest"

BODY = [
    "1.1 The review was commissioned by the Partnership after the death of Child Q. "
    "The strategy discussion was not held within the timescale set by the procedure, "
    "and the escalation policy was not used when the health visitor disagreed.",
    "1.2 The safe- guarding partners agreed the terms of reference in March 2024.",
]


def sample_pdf(path, encrypt=None):
    """Two pages: a running header, a page footer, a heading in larger type,
    a paragraph that wraps, a word hyphenated across lines, a list item."""
    c = canvas.Canvas(str(path), pagesize=A4, encrypt=encrypt, invariant=1)
    width, height = A4
    for page in (1, 2):
        c.setFont("Helvetica", 8)
        c.drawString(60, height - 40, "Northfold Safeguarding Partnership: Child Q")
        c.drawCentredString(width / 2, 30, f"Page {page} of 2")
        y = height - 100
        c.setFont("Helvetica-Bold", 16)
        c.drawString(60, y, "1. Introduction" if page == 1 else "2. Recommendations")
        y -= 30
        c.setFont("Helvetica", 11)
        lines = (
            ["1.1 The review was commissioned by the Partnership after",
             "the death of Child Q. The strategy discussion was not held",
             "within the timescale set by the procedure, and the safe-",
             "guarding partners agreed the terms of reference in March."]
            if page == 1 else
            ["2.1 The Partnership should revise the escalation policy by",
             "June 2025 and report to the Board on its use."]
        )
        for line in lines:
            c.drawString(60, y, line)
            y -= 14
        y -= 10
        c.drawString(60, y, "\u2022 The health visitor disagreed with the decision.")
        c.showPage()
    c.save()


def table_pdf(path):
    """A recommendations table as a published review sets it (reportlab's
    Table: a bold header row, grid lines, cells that wrap), between a
    numbered paragraph and a paragraph, so the reader must find the table's
    rows and leave the text around it alone."""
    styles = getSampleStyleSheet()
    body = ParagraphStyle("body", parent=styles["Normal"], fontName="Helvetica",
                          fontSize=10.5, leading=14)
    cell = ParagraphStyle("cell", parent=body, fontSize=9, leading=11)
    head = ParagraphStyle("head", parent=cell, fontName="Helvetica-Bold")
    rows = [
        ["No.", "Recommendation", "Owner", "By"],
        ["1", "Revise the escalation policy so that a disagreement about a strategy "
              "discussion is escalated within two working days.",
         "Head of Safeguarding, Northfold Council", "30 June 2025"],
        ["2", "Audit twenty strategy discussions.", "Designated Nurse", "31 March 2026"],
    ]
    table = Table([[Paragraph(text, head if r == 0 else cell) for text in row]
                   for r, row in enumerate(rows)],
                  colWidths=[34, 230, 120, 70], hAlign="LEFT")
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                               ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story = [
        Paragraph("2. Recommendations", ParagraphStyle("h", parent=body, fontName="Helvetica-Bold",
                                                       fontSize=15, leading=19, spaceAfter=8)),
        Paragraph("2.1 The Partnership accepted the recommendations below in full and "
                  "asked each owner to report progress to the Board.", body),
        table,
        Paragraph("The Board will publish the audit.", body),
    ]
    SimpleDocTemplate(str(path), pagesize=A4, invariant=1).build(story)


def scanned_pdf(path):
    """A page that is only a picture of text, as a scanner makes."""
    rng = random.Random(7)
    image = Image.new("L", (120, 160), 255)
    for _ in range(600):
        image.putpixel((rng.randrange(120), rng.randrange(160)), 0)
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    c.drawImage(ImageReader(image), 50, 200, width=480, height=640)
    c.showPage()
    c.save()


def sample_docx(path):
    document = WordDocument()
    document.sections[0].header.paragraphs[0].text = "Northfold Safeguarding Partnership: Child Q"
    document.sections[0].footer.paragraphs[0].text = "Page 1"
    document.add_heading("Review of Child Q", level=1)
    document.add_heading("Why nobody asked", level=2)
    for text in BODY:
        document.add_paragraph(text)
    document.add_paragraph("The health visitor disagreed.", style="List Bullet")
    document.add_paragraph("Revise the escalation policy by June 2025.", style="List Number")
    document.add_paragraph("Audit strategy discussions by March 2026.", style="List Number")
    buffer = io.BytesIO()
    document.save(buffer)
    path.write_bytes(buffer.getvalue())


ODT_CONTENT = """<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">
<office:body><office:text>
<text:h text:outline-level="1">Review of Child Q</text:h>
<text:h text:outline-level="2">Why nobody asked</text:h>
<text:p>1.1 The review was commissioned by the Partnership<text:note><text:note-body><text:p>A footnote.</text:p></text:note-body></text:note> after the death of Child Q.<text:s text:c="3"/>The strategy discussion was not held &amp; the policy was not used.</text:p>
<text:list><text:list-item><text:p>The health visitor disagreed.</text:p></text:list-item></text:list>
</office:text></office:body></office:document-content>
"""


def sample_odt(path):
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        z.writestr("content.xml", ODT_CONTENT, zipfile.ZIP_DEFLATED)
        z.writestr("META-INF/manifest.xml",
                   '<?xml version="1.0"?><manifest:manifest xmlns:manifest='
                   '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"/>',
                   zipfile.ZIP_DEFLATED)


SAMPLE_HTML = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Child Q</title><style>body{font:11pt serif}</style></head>
<body><header>Northfold Safeguarding Partnership</header><nav>Home | Reviews</nav>
<h1>Review of Child Q</h1>
<h2>Why nobody asked</h2>
<p>1.1 The review was commissioned by the Partnership after the death of Child Q.
The strategy discussion was not held &amp; the policy was not used.</p>
<h2>Recommendations</h2>
<ol><li>Revise the escalation policy by June 2025.</li><li>Audit strategy discussions by March 2026.</li></ol>
<footer>Page 1</footer></body></html>
"""

TEXT = "# Review of Child Q\n\nThe child\u2019s mother was not asked. It cost \u00a3200.\n"


def bomb_docx(path):
    """A .docx whose document.xml is 40 MB of one letter: it packs to about
    40 KB, a ratio no real document has."""
    body = (b'<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
            b'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>'
            + b"a" * (40 * 1024 * 1024) + b"</w:t></w:r></w:p></w:body></w:document>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", body)


def main():
    good, bad = ROOT / "good", ROOT / "bad"
    good.mkdir(parents=True, exist_ok=True)
    bad.mkdir(parents=True, exist_ok=True)
    sample_pdf(good / "sample.pdf")
    # Protected by an owner password only: opens without one, as readers do.
    sample_pdf(good / "owner-password-only.pdf",
               encrypt=pdfencrypt.StandardEncryption("", ownerPassword="owner", strength=128))
    table_pdf(good / "table.pdf")
    sample_docx(good / "sample.docx")
    sample_odt(good / "sample.odt")
    (good / "sample.html").write_text(SAMPLE_HTML, encoding="utf-8")
    (good / "utf8.md").write_text(TEXT, encoding="utf-8")
    (good / "utf8-bom.md").write_bytes(b"\xef\xbb\xbf" + TEXT.encode("utf-8"))
    (good / "utf16le.txt").write_bytes(b"\xff\xfe" + TEXT.encode("utf-16-le"))
    (good / "utf16be.txt").write_bytes(b"\xfe\xff" + TEXT.encode("utf-16-be"))
    (good / "windows-1252.txt").write_bytes(TEXT.replace("\n", "\r\n").encode("cp1252"))

    scanned_pdf(bad / "scanned.pdf")
    sample_pdf(bad / "encrypted.pdf",
               encrypt=pdfencrypt.StandardEncryption("secret", ownerPassword="owner", strength=128))
    whole = (good / "sample.pdf").read_bytes()
    (bad / "truncated.pdf").write_bytes(whole[: len(whole) // 3])
    (bad / "not-a-pdf.pdf").write_bytes(b"<html>This is a web page saved with the wrong name</html>\n")
    (bad / "empty.txt").write_bytes(b"")
    (bad / "not-a-zip.docx").write_text("This was saved as text and renamed .docx\n")
    docx = (good / "sample.docx").read_bytes()
    (bad / "truncated.docx").write_bytes(docx[: len(docx) // 2])
    bomb_docx(bad / "bomb.docx")
    (bad / "blank.html").write_text("<html><body><p>   </p><script>x()</script></body></html>\n")
    (bad / "notes.rtf").write_text("{\\rtf1 An RTF file}\n")
    print(f"wrote fixtures under {ROOT}")


if __name__ == "__main__":
    main()
