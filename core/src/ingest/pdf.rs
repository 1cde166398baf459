//! PDF: the text layer, read in pure Rust (pdf-extract on lopdf), rebuilt
//! into a [`Draft`]. Glyphs become lines by their position; running headers,
//! footers and page numbers (lines at the top or bottom of the page that
//! repeat, or that are only a page number) are dropped; lines in a larger
//! font than the body become headings; the rest are re-flowed into
//! paragraphs by the gaps between them, with words hyphenated across lines
//! rejoined. Lines whose runs of text keep to shared column starts become
//! tables ([`table`]).

mod table;

use super::Fault;
use super::draft::{BlockKind, Draft};
use super::guard;
use pdf_extract::{Document as PdfDocument, MediaBox, OutputDev, OutputError, Transform};
use std::collections::{BTreeMap, HashMap, HashSet};

/// A line of glyphs as laid out on the page.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Line {
    pub text: String,
    /// The baseline's height above the bottom of the page, in points.
    pub y: f64,
    /// The largest font size on the line, in points.
    pub size: f64,
    /// The line cut where the glyphs leave a wide gap, left to right: in a
    /// table, one cell's line of text each. The text is the runs joined.
    pub runs: Vec<Run>,
}

/// Glyphs of one line set close together, with where they start and end.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Run {
    pub text: String,
    /// The left edge of the first glyph, in points from the page's left.
    pub x: f64,
    /// The right edge of the last glyph that is not a space.
    pub end: f64,
}

/// A gap between glyphs wider than this many font sizes starts a new run:
/// words are a third of that apart, a table's columns (with the cells'
/// padding) at least about one.
const RUN_GAP: f64 = 1.0;

/// Lines drawn separately whose baselines are this close, in points, are one
/// line: a table draws each cell's lines in turn, so the first lines of a
/// row's cells arrive apart.
const SAME_BASELINE: f64 = 1.0;

/// The lines of one page, top to bottom.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PageLines {
    pub number: u32,
    pub lines: Vec<Line>,
}

/// Reads a PDF's text layer into a draft.
pub fn read(bytes: &[u8]) -> Result<Draft, Fault> {
    let pages = read_pages(bytes)?;
    if pages.is_empty() {
        return Err(Fault::Corrupt("the PDF has no pages".into()));
    }
    let draft = rebuild(pages);
    if draft.has_no_text() {
        return Err(Fault::NoTextLayer);
    }
    Ok(draft)
}

/// The lines of every page, as positioned glyphs grouped into lines.
pub fn read_pages(bytes: &[u8]) -> Result<Vec<PageLines>, Fault> {
    let document = PdfDocument::load_mem(bytes)
        .map_err(|e| Fault::Corrupt(format!("the PDF cannot be parsed ({e})")))?;
    // lopdf opens a file protected only by an owner password itself; one that
    // needs a password to open stays encrypted.
    if document.is_encrypted() && !document.was_encrypted() {
        return Err(Fault::Encrypted);
    }
    let mut collector = Collector::default();
    for number in document.get_pages().into_keys() {
        let outcome =
            guard::contained(|| pdf_extract::output_doc_page(&document, &mut collector, number));
        match outcome {
            Ok(Ok(())) => {}
            Ok(Err(e)) => {
                return Err(Fault::Corrupt(format!(
                    "page {number} cannot be read ({e})"
                )));
            }
            Err(panic) => {
                return Err(Fault::Corrupt(format!(
                    "page {number} cannot be read (the PDF library stopped: {panic})"
                )));
            }
        }
    }
    Ok(collector.pages)
}

/// Glyphs to lines, as pdf-extract hands them over.
#[derive(Default)]
struct Collector {
    pages: Vec<PageLines>,
    line: Option<Line>,
    /// Where the last glyph ended, to tell a space from a kerning gap.
    last_end: f64,
}

impl Collector {
    fn close_line(&mut self) {
        if let Some(mut line) = self.line.take() {
            line.text = line.text.trim().to_string();
            for run in &mut line.runs {
                run.text = run.text.trim().to_string();
            }
            line.runs.retain(|r| !r.text.is_empty());
            if let Some(page) = self.pages.last_mut()
                && !line.text.is_empty()
            {
                page.lines.push(line);
            }
        }
    }
}

impl Line {
    /// Adds a glyph spanning `x..end`; `new_run` when a wide gap (or a jump
    /// back) separates it from the glyph before.
    fn push_glyph(&mut self, glyph: &str, x: f64, end: f64, new_run: bool) {
        let blank = glyph.trim().is_empty();
        if new_run || self.runs.is_empty() {
            self.runs.push(Run::default());
        }
        let Some(run) = self.runs.last_mut() else {
            return;
        };
        if !blank {
            if run.text.trim().is_empty() {
                run.x = x;
            }
            run.end = end;
        }
        run.text.push_str(glyph);
        self.text.push_str(glyph);
    }

    /// Takes in a line on the same baseline drawn apart from this one, its
    /// runs put in order from the left.
    fn absorb(&mut self, other: Line) {
        self.runs.extend(other.runs);
        self.runs.sort_by(|a, b| a.x.total_cmp(&b.x));
        let texts: Vec<&str> = self.runs.iter().map(|r| r.text.as_str()).collect();
        self.text = texts.join(" ");
        self.size = self.size.max(other.size);
    }
}

/// Lines sorted top to bottom with those on one baseline made one.
fn merge_baselines(lines: Vec<Line>) -> Vec<Line> {
    let mut merged: Vec<Line> = Vec::with_capacity(lines.len());
    for line in lines {
        match merged.last_mut() {
            Some(last) if (last.y - line.y).abs() <= SAME_BASELINE => last.absorb(line),
            _ => merged.push(line),
        }
    }
    merged
}

impl OutputDev for Collector {
    fn begin_page(
        &mut self,
        page_num: u32,
        _media_box: &MediaBox,
        _art_box: Option<(f64, f64, f64, f64)>,
    ) -> Result<(), OutputError> {
        self.pages.push(PageLines {
            number: page_num,
            lines: Vec::new(),
        });
        Ok(())
    }

    fn end_page(&mut self) -> Result<(), OutputError> {
        self.close_line();
        if let Some(page) = self.pages.last_mut() {
            // Top to bottom; the sort is stable, so a line's glyph order holds.
            page.lines.sort_by(|a, b| b.y.total_cmp(&a.y));
            page.lines = merge_baselines(std::mem::take(&mut page.lines));
        }
        Ok(())
    }

    fn output_character(
        &mut self,
        trm: &Transform,
        width: f64,
        _spacing: f64,
        font_size: f64,
        char: &str,
    ) -> Result<(), OutputError> {
        // The font size as drawn: the text matrix scales it.
        let vx = font_size * (trm.m11 + trm.m21);
        let vy = font_size * (trm.m12 + trm.m22);
        let size = (vx * vy).abs().sqrt();
        let (x, y) = (trm.m31, trm.m32);
        let same_line = self
            .line
            .as_ref()
            .is_some_and(|l| (l.y - y).abs() <= size.max(1.0) * 0.5);
        let gap = x - self.last_end;
        // A wide gap is the next cell of a table; a jump back, text drawn
        // out of order.
        let new_run = same_line && (gap > size * RUN_GAP || gap < -size);
        if !same_line {
            self.close_line();
            self.line = Some(Line {
                y,
                size,
                ..Line::default()
            });
        } else if let Some(line) = self.line.as_mut()
            && gap > size * 0.15
            && !line.text.ends_with(' ')
            && !char.starts_with(' ')
        {
            line.text.push(' ');
            if let Some(run) = line.runs.last_mut() {
                run.text.push(' ');
            }
        }
        let end = x + width * size;
        if let Some(line) = self.line.as_mut() {
            line.push_glyph(char, x, end, new_run);
            line.size = line.size.max(size);
        }
        self.last_end = end;
        Ok(())
    }

    fn begin_word(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn end_word(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn end_line(&mut self) -> Result<(), OutputError> {
        Ok(())
    }
}

/// Pages of lines to blocks: running lines out, tables by their columns,
/// headings by font size, paragraphs by line spacing.
pub fn rebuild(mut pages: Vec<PageLines>) -> Draft {
    remove_running_lines(&mut pages);
    let body = body_size(&pages);
    let heading_sizes = heading_sizes(&pages, body);
    let gap = usual_gap(&pages, body);
    let mut builder = Builder::default();
    for page in &pages {
        let mut previous_y: Option<f64> = None;
        for piece in table::pieces(&page.lines, body) {
            let line = match piece {
                table::Piece::Table(rows) => {
                    builder.add_table(rows, page.number, previous_y.is_none());
                    // No longer the page's top; the line after a table starts
                    // a block of its own whatever its spacing.
                    previous_y = Some(f64::NEG_INFINITY);
                    continue;
                }
                table::Piece::Line(line) => line,
            };
            let level = heading_sizes
                .iter()
                .position(|&s| (line.size - s).abs() < 0.25)
                .map(|i| i as u32 + 1);
            // A paragraph's lines sit the usual distance apart, a wrapped
            // heading's at most one and a half times its own size; anything
            // further is a new block.
            let limit = if level.is_some() {
                line.size * 1.5
            } else {
                gap * 1.4
            };
            let spaced = previous_y.is_some_and(|y| y - line.y > limit);
            builder.add(line, page.number, level, previous_y.is_none(), spaced);
            previous_y = Some(line.y);
        }
    }
    builder.finish()
}

/// The lines that repeat at the top or bottom of the pages (a running header
/// or footer: the same words, any page number in them allowed to differ, at
/// the same height on the page), and lines there that are only a page
/// number set apart from the text, are removed.
pub fn remove_running_lines(pages: &mut [PageLines]) {
    const EDGE: usize = 2;
    let mut counts: HashMap<(String, i64), usize> = HashMap::new();
    for page in pages.iter() {
        let mut seen = HashSet::new();
        for line in edge_lines(page, EDGE) {
            let key = running_key(line);
            if seen.insert(key.clone()) {
                *counts.entry(key).or_default() += 1;
            }
        }
    }
    let page_count = pages.len();
    let repeated = |line: &Line| {
        page_count >= 2
            && counts.get(&running_key(line)).copied().unwrap_or(0) >= (page_count / 2).max(2)
    };
    for page in pages.iter_mut() {
        let n = page.lines.len();
        let running: Vec<bool> = (0..n)
            .map(|i| {
                let line = &page.lines[i];
                let at_edge = i < EDGE || i + EDGE >= n;
                let numbered = is_page_number(&line.text) && set_apart(&page.lines, i);
                at_edge && (numbered || repeated(line))
            })
            .collect();
        let mut running = running.into_iter();
        page.lines.retain(|_| !running.next().unwrap_or(false));
    }
}

/// A page number sits in the margin, more than two lines' space from the
/// lines either side of it; a number that close is the text's own, such as
/// a year wrapped alone in a table cell at the foot of a page. (A number a
/// running header sits close to repeats, and goes with the header.)
fn set_apart(lines: &[Line], i: usize) -> bool {
    let line = &lines[i];
    let far = |other: &Line| (other.y - line.y).abs() > line.size.max(other.size) * 2.0;
    let above = i.checked_sub(1).and_then(|j| lines.get(j));
    above.is_none_or(far) && lines.get(i + 1).is_none_or(far)
}

fn edge_lines(page: &PageLines, edge: usize) -> impl Iterator<Item = &Line> {
    let n = page.lines.len();
    page.lines
        .iter()
        .enumerate()
        .filter(move |(i, _)| *i < edge || i + edge >= n)
        .map(|(_, l)| l)
}

/// A running line's identity: its words with every number made the same,
/// and its height on the page to the nearest point.
fn running_key(line: &Line) -> (String, i64) {
    (numbers_blurred(&line.text), line.y.round() as i64)
}

fn numbers_blurred(text: &str) -> String {
    let mut key = String::new();
    for c in text.trim().to_lowercase().chars() {
        if c.is_ascii_digit() {
            if !key.ends_with('#') {
                key.push('#');
            }
        } else {
            key.push(c);
        }
    }
    key
}

/// "7", "Page 7", "Page 7 of 12", "- 7 -", "7 / 12".
fn is_page_number(text: &str) -> bool {
    let key = numbers_blurred(text);
    let key = key.trim_matches(|c: char| c.is_whitespace() || "-–—|".contains(c));
    matches!(
        key,
        "#" | "page #" | "page # of #" | "# of #" | "# / #" | "#/#" | "p. #"
    )
}

/// The size most of the text is set in (by characters).
fn body_size(pages: &[PageLines]) -> f64 {
    let mut by_size: BTreeMap<i64, usize> = BTreeMap::new();
    for line in pages.iter().flat_map(|p| &p.lines) {
        *by_size.entry(half_points(line.size)).or_default() += line.text.chars().count();
    }
    by_size
        .into_iter()
        .max_by_key(|&(size, chars)| (chars, -size))
        .map_or(0.0, |(size, _)| size as f64 / 2.0)
}

fn half_points(size: f64) -> i64 {
    (size * 2.0).round() as i64
}

/// Sizes clearly larger than the body, largest first: one heading level each
/// (at most six; anything smaller than the sixth is body text).
fn heading_sizes(pages: &[PageLines], body: f64) -> Vec<f64> {
    let mut sizes: Vec<i64> = pages
        .iter()
        .flat_map(|p| &p.lines)
        .filter(|l| l.size >= body * 1.1 && l.text.split_whitespace().count() <= 20)
        .map(|l| half_points(l.size))
        .collect();
    sizes.sort_unstable_by(|a, b| b.cmp(a));
    sizes.dedup();
    sizes.truncate(6);
    sizes.into_iter().map(|s| s as f64 / 2.0).collect()
}

/// The usual distance between consecutive body lines of one paragraph.
fn usual_gap(pages: &[PageLines], body: f64) -> f64 {
    let mut by_gap: BTreeMap<i64, usize> = BTreeMap::new();
    for page in pages {
        for pair in page.lines.windows(2) {
            if (pair[0].size - body).abs() < 0.25 && (pair[1].size - body).abs() < 0.25 {
                let gap = pair[0].y - pair[1].y;
                if gap > 0.0 {
                    *by_gap.entry(half_points(gap)).or_default() += 1;
                }
            }
        }
    }
    by_gap
        .into_iter()
        .max_by_key(|&(gap, count)| (count, -gap))
        .map_or(body * 1.2, |(gap, _)| gap as f64 / 2.0)
}

/// Gathers lines into blocks.
#[derive(Default)]
struct Builder {
    draft: Draft,
    open: Option<(BlockKind, String, u32)>,
    /// The last table, its rows and first page, held open in case it goes
    /// on at the top of the next page.
    table: Option<(Vec<Vec<String>>, u32)>,
}

impl Builder {
    fn add(&mut self, line: &Line, page: u32, level: Option<u32>, page_top: bool, spaced: bool) {
        let text = line.text.trim();
        if let Some(level) = level {
            let continues_heading = matches!(
                &self.open,
                Some((BlockKind::Heading(l), _, p)) if *l == level && *p == page && !spaced && !page_top
            );
            if continues_heading {
                self.join(text, false);
            } else {
                self.start(BlockKind::Heading(level), text, page);
            }
            return;
        }
        let bullet = starts_with_bullet(text);
        let runs_on = match &self.open {
            Some((BlockKind::Heading(_), _, _)) | None => false,
            Some((_, open, _)) if page_top => runs_on_over_page(open, text),
            Some(_) => !spaced && !bullet,
        };
        if runs_on {
            self.join(text, page_top);
        } else {
            let kind = if bullet {
                BlockKind::ListItem
            } else {
                BlockKind::Paragraph
            };
            self.start(kind, text, page);
        }
    }

    fn start(&mut self, kind: BlockKind, text: &str, page: u32) {
        self.close();
        self.open = Some((kind, text.to_string(), page));
    }

    /// A table; one at the top of a page with as many columns as the table
    /// that ended the page before is the rest of it, and the header a
    /// publisher repeats on each page is dropped.
    fn add_table(&mut self, rows: Vec<Vec<String>>, page: u32, page_top: bool) {
        if let Some((open, _)) = self.table.as_mut()
            && page_top
            && open.first().map(Vec::len) == rows.first().map(Vec::len)
        {
            let repeats_header = open.first() == rows.first();
            open.extend(rows.into_iter().skip(usize::from(repeats_header)));
            return;
        }
        self.close();
        self.table = Some((rows, page));
    }

    /// Adds a line to the open block: a word broken by a hyphen at the end
    /// of a line is rejoined; a page break inside it is kept as a form feed.
    fn join(&mut self, text: &str, new_page: bool) {
        let Some((_, open, _)) = self.open.as_mut() else {
            return;
        };
        let separator = if new_page { "\u{c}" } else { " " };
        if let Some(stem) = hyphenated_stem(open, text) {
            open.truncate(stem);
            open.push_str(text);
            if new_page {
                open.push('\u{c}');
            }
            return;
        }
        open.push_str(separator);
        open.push_str(text);
    }

    fn close(&mut self) {
        if let Some((kind, text, page)) = self.open.take() {
            self.draft.push(kind, &text, Some(page));
        }
        if let Some((rows, page)) = self.table.take() {
            self.draft.push_table(&rows, Some(page));
        }
    }

    fn finish(mut self) -> Draft {
        self.close();
        self.draft
    }
}

fn starts_with_bullet(text: &str) -> bool {
    let mut chars = text.chars();
    matches!(chars.next(), Some('•' | '◦' | '▪' | '‣' | '-' | '*' | '–'))
        && chars.next().is_some_and(char::is_whitespace)
}

/// A paragraph runs on over a page break when it stops mid-sentence and the
/// next page goes on in lower case.
fn runs_on_over_page(open: &str, next: &str) -> bool {
    let ends_sentence = open
        .trim_end()
        .ends_with(['.', '!', '?', ':', ';', '"', '”', ')']);
    !ends_sentence && next.chars().next().is_some_and(char::is_lowercase)
}

/// Where to cut `open` to rejoin a word split as "safe-" / "guarding": the
/// line ends in a letter and a hyphen and the next starts in lower case.
fn hyphenated_stem(open: &str, next: &str) -> Option<usize> {
    let stem = open.strip_suffix(['-', '\u{ad}'])?;
    let before = stem.chars().next_back()?;
    let after = next.chars().next()?;
    (before.is_alphabetic() && after.is_lowercase()).then_some(stem.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(text: &str, y: f64, size: f64) -> Line {
        let run = Run {
            text: text.into(),
            x: 60.0,
            end: 60.0 + size * 0.5 * text.chars().count() as f64,
        };
        Line {
            text: text.into(),
            y,
            size,
            runs: vec![run],
        }
    }

    /// A 9-point line of runs, each given as (x, text).
    fn cells(y: f64, runs: &[(f64, &str)]) -> Line {
        let mut built = Line {
            y,
            size: 9.0,
            ..Line::default()
        };
        for &(x, text) in runs {
            let end = x + 4.5 * text.chars().count() as f64;
            built.absorb(Line {
                text: text.into(),
                y,
                size: 9.0,
                runs: vec![Run {
                    text: text.into(),
                    x,
                    end,
                }],
            });
        }
        built
    }

    fn page(number: u32, lines: Vec<Line>) -> PageLines {
        PageLines { number, lines }
    }

    fn texts(draft: &Draft) -> Vec<(BlockKind, &str, Option<u32>)> {
        draft
            .blocks
            .iter()
            .map(|b| (b.kind, b.text.as_str(), b.page))
            .collect()
    }

    #[test]
    fn running_headers_footers_and_page_numbers_go() {
        let pages = vec![
            page(
                1,
                vec![
                    line("Arnsleigh Review: Child K", 800.0, 9.0),
                    line("First page text.", 700.0, 11.0),
                    line("Page 1 of 2", 40.0, 9.0),
                ],
            ),
            page(
                2,
                vec![
                    line("Arnsleigh Review: Child K", 800.0, 9.0),
                    line("Second page text.", 700.0, 11.0),
                    line("Page 2 of 2", 40.0, 9.0),
                ],
            ),
        ];
        let draft = rebuild(pages);
        assert_eq!(
            texts(&draft),
            vec![
                (BlockKind::Paragraph, "First page text.", Some(1)),
                (BlockKind::Paragraph, "Second page text.", Some(2)),
            ]
        );
    }

    #[test]
    fn larger_type_is_a_heading_and_lines_reflow_into_paragraphs() {
        let pages = vec![page(
            1,
            vec![
                line("Review of Child K:", 800.0, 18.0),
                line("a rapid review", 778.0, 18.0),
                line("Partnership report", 746.0, 18.0),
                line("1. Purpose", 716.0, 14.0),
                line("The review was com-", 750.0, 11.0),
                line("missioned in May and", 736.0, 11.0),
                line("reported in June.", 722.0, 11.0),
                line("A second paragraph.", 700.0, 11.0),
                line("• an item", 686.0, 11.0),
            ],
        )];
        let draft = rebuild(pages);
        assert_eq!(
            texts(&draft),
            vec![
                (
                    BlockKind::Heading(1),
                    "Review of Child K: a rapid review",
                    Some(1)
                ),
                (BlockKind::Heading(1), "Partnership report", Some(1)),
                (BlockKind::Heading(2), "1. Purpose", Some(1)),
                (
                    BlockKind::Paragraph,
                    "The review was commissioned in May and reported in June.",
                    Some(1)
                ),
                (BlockKind::Paragraph, "A second paragraph.", Some(1)),
                (BlockKind::ListItem, "• an item", Some(1)),
            ]
        );
    }

    #[test]
    fn a_paragraph_broken_by_a_page_runs_on() {
        let pages = vec![
            page(1, vec![line("The mother said that", 100.0, 11.0)]),
            page(
                2,
                vec![
                    line("she was well.", 800.0, 11.0),
                    line("It rained.", 786.0, 11.0),
                    line("New point.", 760.0, 11.0),
                ],
            ),
        ];
        let draft = rebuild(pages);
        assert_eq!(
            texts(&draft),
            vec![
                (
                    BlockKind::Paragraph,
                    "The mother said that\u{c}she was well. It rained.",
                    Some(1)
                ),
                (BlockKind::Paragraph, "New point.", Some(2)),
            ]
        );
    }

    #[test]
    fn cells_drawn_one_after_another_make_one_line_in_order() {
        let drawn = vec![
            cells(700.0, &[(66.0, "1"), (100.0, "Revise it")]),
            cells(700.4, &[(260.0, "Head of")]),
            cells(689.0, &[(260.0, "Service")]),
        ];
        let lines = merge_baselines(drawn);
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].text, "1 Revise it Head of");
        assert_eq!(lines[0].runs.len(), 3);
    }

    #[test]
    fn a_table_over_a_page_break_is_one_table_without_the_repeated_header() {
        let header = [(66.0, "No."), (100.0, "Recommendation"), (260.0, "Owner")];
        let pages = vec![
            page(
                1,
                vec![
                    line("8. Recommendations", 720.0, 15.0),
                    cells(690.0, &header),
                    cells(
                        673.0,
                        &[(66.0, "1"), (100.0, "Revise it."), (260.0, "Head")],
                    ),
                ],
            ),
            page(
                2,
                vec![
                    cells(800.0, &header),
                    cells(
                        783.0,
                        &[(66.0, "2"), (100.0, "Audit it."), (260.0, "Nurse")],
                    ),
                    line("After the table.", 760.0, 9.0),
                ],
            ),
        ];
        let draft = rebuild(pages);
        assert_eq!(
            texts(&draft),
            vec![
                (BlockKind::Heading(1), "8. Recommendations", Some(1)),
                (
                    BlockKind::Table,
                    "| No. | Recommendation | Owner |\n|---|---|---|\n| 1 | Revise it. | Head |\n| 2 | Audit it. | Nurse |",
                    Some(1)
                ),
                (BlockKind::Paragraph, "After the table.", Some(2)),
            ]
        );
    }

    #[test]
    fn a_number_in_the_text_at_the_foot_of_a_page_stays() {
        let pages = vec![page(
            1,
            vec![
                line("Audit twenty discussions by March", 120.0, 9.0),
                line("2026", 109.0, 9.0),
                line("12", 40.0, 9.0),
            ],
        )];
        let draft = rebuild(pages);
        assert_eq!(
            texts(&draft),
            vec![(
                BlockKind::Paragraph,
                "Audit twenty discussions by March 2026",
                Some(1)
            )]
        );
    }

    #[test]
    fn page_number_shapes() {
        for text in ["7", "Page 7", "Page 7 of 12", "- 7 -", "7 / 12"] {
            assert!(is_page_number(text), "{text}");
        }
        assert!(!is_page_number("7 May 2023"));
    }
}
