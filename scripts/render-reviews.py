#!/usr/bin/env python3
"""Renders every review in reviews/ to PDF and DOCX, as a board would publish
it: a running header with the review's title, a page footer with the page
number, and headings in a larger font. The renderings go to
target/renderings/{pdf,docx}/ (not committed); tests/tests/renderings.rs
scores them against the source text.

Needs: pip install reportlab python-docx
Usage: python3 scripts/render-reviews.py [--reviews reviews] [--out target/renderings]
"""

import argparse
import html
import re
import sys
from pathlib import Path

from docx import Document as WordDocument
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

# Body and heading sizes in points; heading level n uses HEADING_SIZES[n-1].
BODY_SIZE = 10.5
# Tables are set smaller than the body, as published reviews set them.
TABLE_SIZE = 9
# reportlab's default cell padding, left plus right, in points.
CELL_PADDING = 12
MARGIN = 2.2 * cm
HEADING_SIZES = [18, 15, 13, 12]
LIST_MARKER = re.compile(r"^\s{0,6}([-*•]\s+|\d{1,3}[.)]\s+)")
BULLET = re.compile(r"^\s{0,6}[-*•]\s+")
NUMBERED_HEADING = re.compile(r"^(\d{1,2}(?:\.\d{1,2})*)\.?\s+\S.{0,90}$")


def fonts():
    """DejaVu Sans, embedded as real documents embed their fonts, when the
    machine has it; else the standard Helvetica."""
    folder = Path("/usr/share/fonts/truetype/dejavu")
    regular, bold = folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
    if regular.exists() and bold.exists():
        pdfmetrics.registerFont(TTFont("Body", str(regular)))
        pdfmetrics.registerFont(TTFont("Body-Bold", str(bold)))
        pdfmetrics.registerFontFamily("Body", normal="Body", bold="Body-Bold",
                                      italic="Body", boldItalic="Body-Bold")
        return "Body", "Body-Bold"
    return "Helvetica", "Helvetica-Bold"


def blocks(path):
    """The source as (kind, level, lines): kind is heading, bullet, para or
    table. A block is a run of non-blank lines; a list marker starts a new
    block; a markdown table's rows are a table block of their own."""
    markdown = path.suffix.lower() in (".md", ".markdown")
    out = []
    for chunk in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")):
        lines = [l.rstrip() for l in chunk.strip("\n").split("\n") if l.strip()]
        if not lines:
            continue
        if markdown and all(set(l.strip()) <= set("-*_") for l in lines):
            continue  # a horizontal rule
        if markdown and all(l.lstrip().startswith("|") for l in lines):
            out.append(("table", 0, lines))
            continue
        for line in lines:
            heading = heading_of(line, markdown, len(lines) == 1)
            if heading:
                out.append(("heading", heading[0], [heading[1]]))
            elif BULLET.match(line):
                out.append(("bullet", 0, [BULLET.sub("", line, count=1)]))
            elif LIST_MARKER.match(line) or not out or out[-1][0] == "heading" or line is lines[0]:
                out.append(("para", 0, [line.strip()]))
            else:
                out[-1][2].append(line.strip())
    return out


def heading_of(line, markdown, alone):
    """(level, text) when the line is a heading in the source's own terms."""
    if markdown:
        m = re.match(r"^(#{1,6})\s+(.*)$", line)
        return (len(m.group(1)), m.group(2).strip()) if m else None
    text = line.strip()
    if not alone or len(text.split()) > 12 or text.endswith((".", ",", ";", ":")):
        return None
    letters = [c for c in text if c.isalpha()]
    if letters and all(c.isupper() for c in letters) and len(letters) >= 3:
        return (1, text)
    m = NUMBERED_HEADING.match(text)
    if m and text.split()[1][:1].isupper():
        return (min(len(m.group(1).split(".")), 3), text)
    return None


def inline(text):
    """Markdown emphasis as (text, bold, italic) runs."""
    runs = []
    for part in re.split(r"(\*\*[^*]+\*\*|\*[^*\s][^*]*\*)", text):
        if part.startswith("**") and part.endswith("**") and len(part) > 4:
            runs.append((part[2:-2], True, False))
        elif part.startswith("*") and part.endswith("*") and len(part) > 2:
            runs.append((part[1:-1], False, True))
        elif part:
            runs.append((part, False, False))
    return runs


def title_of(source_blocks, stem):
    for kind, _, lines in source_blocks:
        return " ".join(lines)[:90]
    return stem


def render_pdf(source_blocks, title, target):
    body_font, bold_font = fonts()
    body = ParagraphStyle("body", fontName=body_font, fontSize=BODY_SIZE,
                          leading=BODY_SIZE * 1.35, spaceAfter=7)
    bullet = ParagraphStyle("bullet", parent=body, leftIndent=16, bulletIndent=4,
                            bulletFontName=body_font)
    headings = [ParagraphStyle(f"h{i + 1}", fontName=bold_font, fontSize=size,
                               leading=size * 1.25, spaceBefore=10, spaceAfter=8)
                for i, size in enumerate(HEADING_SIZES)]

    def markup(lines):
        rendered = []
        for line in lines:
            rendered.append("".join(
                f"<b>{html.escape(t, quote=False)}</b>" if b else html.escape(t, quote=False)
                for t, b, _ in inline(line)))
        return "<br/>".join(rendered)

    def furniture(canvas, document):
        canvas.saveState()
        canvas.setFont(body_font, 8.5)
        canvas.drawString(2 * cm, A4[1] - 1.3 * cm, title)
        canvas.drawCentredString(A4[0] / 2, 1.2 * cm, f"Page {document.page}")
        canvas.restoreState()

    story = []
    for kind, level, lines in source_blocks:
        if kind == "heading":
            story.append(Paragraph(markup(lines), headings[min(level, 4) - 1]))
        elif kind == "bullet":
            story.append(Paragraph(markup(lines), bullet, bulletText="•"))
        elif kind == "table":
            story.append(pdf_table(lines, markup, (body_font, bold_font)))
        else:
            story.append(Paragraph(markup(lines), body))
    document = SimpleDocTemplate(str(target), pagesize=A4, title=title,
                                 topMargin=MARGIN, bottomMargin=MARGIN,
                                 leftMargin=MARGIN, rightMargin=MARGIN)
    document.build(story, onFirstPage=furniture, onLaterPages=furniture)


def pdf_table(lines, markup, fonts):
    """A markdown table as a real table: a bold header row repeated on each
    page it runs over, grid lines, cells that wrap, columns sized to their
    text as a word processor's autofit would."""
    body_font, bold_font = fonts
    rows = table_rows(lines)
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    cell = ParagraphStyle("cell", fontName=body_font, fontSize=TABLE_SIZE,
                          leading=TABLE_SIZE * 1.25)
    head = ParagraphStyle("head", parent=cell, fontName=bold_font)
    data = [[Paragraph(markup([text]), head if r == 0 else cell) for text in row]
            for r, row in enumerate(rows)]
    table = Table(data, colWidths=column_widths(rows, fonts), repeatRows=1, hAlign="LEFT")
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8e8e8")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))
    return table


def column_widths(rows, fonts):
    """Each column at least as wide as its longest word, and the rest of the
    frame shared out by how much more its longest cell wants."""
    frame = A4[0] - 2 * MARGIN
    def text_width(text, r):
        plain = "".join(t for t, _, _ in inline(text))
        return stringWidth(plain, fonts[0 if r else 1], TABLE_SIZE)
    least, most = [], []
    for c in range(len(rows[0])):
        cells = [(r, row[c]) for r, row in enumerate(rows)]
        words = [(r, w) for r, text in cells for w in text.split()] or [(1, "")]
        least.append(max(text_width(w, r) for r, w in words) + CELL_PADDING + 1)
        most.append(max(text_width(t, r) for r, t in cells) + CELL_PADDING + 1)
    if sum(most) <= frame:
        return most
    spare = max(frame - sum(least), 0)
    wants = [m - l for m, l in zip(most, least)]
    return [l + spare * w / (sum(wants) or 1) for l, w in zip(least, wants)]


def page_field(paragraph):
    """A PAGE field: Word fills in the page number when it lays out."""
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def table_rows(lines):
    """A markdown table's rows as lists of cells, the separator row dropped."""
    rows = []
    for line in lines:
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if all(set(c) <= set("-: ") for c in cells):
            continue
        rows.append(cells)
    return rows


def word_table(document, lines):
    """A markdown table as a real Word table, as a board's draft has it."""
    rows = table_rows(lines)
    width = max(len(r) for r in rows)
    table = document.add_table(rows=len(rows), cols=width)
    for r, cells in enumerate(rows):
        for c, text in enumerate(cells):
            cell = table.cell(r, c)
            for part, bold, italic in inline(text):
                run = cell.paragraphs[0].add_run(part)
                run.bold, run.italic = bold or None, italic or None


def render_docx(source_blocks, title, target):
    document = WordDocument()
    document.styles["Normal"].font.size = Pt(BODY_SIZE)
    section = document.sections[0]
    section.header.paragraphs[0].text = title
    footer = section.footer.paragraphs[0]
    footer.text = "Page "
    page_field(footer)
    for kind, level, lines in source_blocks:
        if kind == "heading":
            document.add_heading(" ".join(lines), level=min(level, 4))
            continue
        if kind == "table":
            word_table(document, lines)
            continue
        paragraph = document.add_paragraph(style="List Bullet" if kind == "bullet" else None)
        for i, line in enumerate(lines):
            if i:
                paragraph.add_run().add_break()
            for text, bold, italic in inline(line):
                run = paragraph.add_run(text)
                run.bold, run.italic = bold or None, italic or None
    document.save(str(target))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    root = Path(__file__).resolve().parent.parent
    parser.add_argument("--reviews", type=Path, default=root / "reviews")
    parser.add_argument("--out", type=Path, default=root / "target" / "renderings")
    args = parser.parse_args()
    (args.out / "pdf").mkdir(parents=True, exist_ok=True)
    (args.out / "docx").mkdir(parents=True, exist_ok=True)
    # Sub-folders too (reviews/blind), as `lessons score reviews` walks them.
    sources = sorted(p for p in args.reviews.rglob("*")
                     if p.suffix.lower() in (".txt", ".md", ".markdown"))
    for source in sources:
        source_blocks = blocks(source)
        title = title_of(source_blocks, source.stem)
        render_pdf(source_blocks, title, args.out / "pdf" / f"{source.stem}.pdf")
        render_docx(source_blocks, title, args.out / "docx" / f"{source.stem}.docx")
    print(f"rendered {len(sources)} reviews to {args.out}/pdf and {args.out}/docx")
    return 0 if sources else 1


if __name__ == "__main__":
    sys.exit(main())
