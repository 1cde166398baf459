//! Tables recovered from where the text sits on the page. A PDF has no
//! table, only glyphs; a table is lines whose runs of text (a line cut at
//! its wide gaps) start at a few shared x positions. Consecutive lines that
//! all keep to one set of column starts, each run ending before the next
//! column begins, are a table: a line with text in the first column starts
//! a row, a line without continues the cells of the row above (a cell that
//! wraps). The checks are strict on purpose: a paragraph taken for a table
//! is cut into cells, while a table missed only loses its rows.

use super::{Line, hyphenated_stem};

/// How far a run may start from its column's start, in points: the cells
/// of a column are set flush left, so their starts agree to rounding.
const SLACK: f64 = 2.0;

/// Consecutive lines of a table are at most this many font sizes apart
/// (a wrapped cell's lines about 1.2, rows with their padding about 2); a
/// wider gap ends the table.
const ROW_SPACING: f64 = 2.5;

/// A gap this much wider than the table's closest lines (a wrapped cell's)
/// is a gap between rows.
const ROW_GAP: f64 = 1.2;

/// A page's lines in reading order, tables gathered up.
#[derive(Debug, PartialEq)]
pub enum Piece<'a> {
    Line(&'a Line),
    /// The rows of cells, the first the header.
    Table(Vec<Vec<String>>),
}

/// Splits a page's lines into lines and tables. `body` is the body text's
/// size: a line in heading type is never part of a table.
pub fn pieces(lines: &[Line], body: f64) -> Vec<Piece<'_>> {
    let mut pieces = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        match table_at(&lines[i..], body) {
            Some((rows, used)) => {
                pieces.push(Piece::Table(rows));
                i += used;
            }
            None => {
                pieces.push(Piece::Line(&lines[i]));
                i += 1;
            }
        }
    }
    pieces
}

/// The table that starts at the first line, and how many lines it takes.
fn table_at(lines: &[Line], body: f64) -> Option<(Vec<Vec<String>>, usize)> {
    let (columns, count) = columns_of(lines, body)?;
    let rows = rows_of(&lines[..count], &columns);
    is_table(&rows).then_some((rows, count))
}

/// The column starts the first lines keep to, and how many lines keep to
/// them. The first line needs two runs; a later line with two runs may add
/// columns (a header with an empty first cell lacks one) if every line so
/// far still fits.
fn columns_of(lines: &[Line], body: f64) -> Option<(Vec<f64>, usize)> {
    let first = lines.first()?;
    if first.runs.len() < 2 || !in_body_type(first, body) {
        return None;
    }
    let mut columns = starts(first);
    let mut count = 1;
    for line in &lines[1..] {
        let above = &lines[count - 1];
        let size = line.size.max(above.size);
        if !in_body_type(line, body) || above.y - line.y > size * ROW_SPACING {
            break;
        }
        if !fits(line, &columns) {
            let wider = merged(&columns, &starts(line));
            let all_fit = lines[..=count].iter().all(|l| fits(l, &wider));
            if line.runs.len() < 2 || !all_fit {
                break;
            }
            columns = wider;
        }
        count += 1;
    }
    Some((columns, count))
}

/// Headings are set larger than the body; tables are not.
fn in_body_type(line: &Line, body: f64) -> bool {
    line.size < body * 1.1
}

fn starts(line: &Line) -> Vec<f64> {
    line.runs.iter().map(|r| r.x).collect()
}

/// Two sorted sets of column starts as one, starts within the slack of
/// each other kept once.
fn merged(a: &[f64], b: &[f64]) -> Vec<f64> {
    let mut all: Vec<f64> = a.iter().chain(b).copied().collect();
    all.sort_by(f64::total_cmp);
    all.dedup_by(|later, earlier| *later - *earlier <= SLACK);
    all
}

/// The column a run starts in.
fn column_of(x: f64, columns: &[f64]) -> Option<usize> {
    columns.iter().position(|c| (x - c).abs() <= SLACK)
}

/// Every run starts at a column and ends before the next column starts.
fn fits(line: &Line, columns: &[f64]) -> bool {
    line.runs.iter().all(|run| {
        column_of(run.x, columns).is_some_and(|c| columns.get(c + 1).is_none_or(|&n| run.end < n))
    })
}

/// The lines' runs put into rows of cells. A line with text in the first
/// column starts a row, except where at least half of those lines are
/// spaced wider than the table's closest lines (rows with padding): then a
/// first-column line at the closest spacing is a wrapped first cell.
fn rows_of(lines: &[Line], columns: &[f64]) -> Vec<Vec<String>> {
    let leads = |line: &Line| line.runs.iter().any(|r| column_of(r.x, columns) == Some(0));
    let gaps: Vec<f64> = lines.windows(2).map(|w| w[0].y - w[1].y).collect();
    let wrap = gaps.iter().copied().min_by(f64::total_cmp).unwrap_or(0.0);
    let spaced = |gap: f64| gap > wrap * ROW_GAP;
    let leading_gaps: Vec<f64> = lines[1..]
        .iter()
        .zip(&gaps)
        .filter(|(line, _)| leads(line))
        .map(|(_, &gap)| gap)
        .collect();
    let rows_spaced = leading_gaps.iter().filter(|&&g| spaced(g)).count() * 2 >= leading_gaps.len();
    let mut rows: Vec<Vec<String>> = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let gap = if i == 0 { f64::INFINITY } else { gaps[i - 1] };
        if rows.is_empty() || leads(line) && (!rows_spaced || spaced(gap)) {
            rows.push(vec![String::new(); columns.len()]);
        }
        let Some(row) = rows.last_mut() else {
            continue;
        };
        for run in &line.runs {
            if let Some(c) = column_of(run.x, columns) {
                append(&mut row[c], &run.text);
            }
        }
    }
    rows
}

/// Adds a wrapped line to a cell, rejoining a word hyphenated across it.
fn append(cell: &mut String, text: &str) {
    if let Some(stem) = hyphenated_stem(cell, text) {
        cell.truncate(stem);
    } else if !cell.is_empty() {
        cell.push(' ');
    }
    cell.push_str(text);
}

/// At least two rows and two columns with text in two cells of two rows;
/// with only two columns, at least three rows and not a layout that merely
/// looks like one.
fn is_table(rows: &[Vec<String>]) -> bool {
    let width = rows.first().map_or(0, Vec::len);
    let filled = |row: &Vec<String>| row.iter().filter(|c| !c.is_empty()).count();
    let full_rows = rows.iter().filter(|r| filled(r) >= 2).count();
    let enough = rows.len() >= 2 && width >= 2 && full_rows >= 2;
    enough && (width > 2 || rows.len() >= 3 && !is_two_column_layout(rows))
}

/// Two columns that are not a table: numbered or bulleted paragraphs with
/// a hanging indent (every first cell a marker), label and value pairs on
/// a title page (every first cell ends in a colon), or a contents list
/// (every second cell a page number).
fn is_two_column_layout(rows: &[Vec<String>]) -> bool {
    let all = |column: usize, test: fn(&str) -> bool| {
        rows.iter()
            .map(|r| r[column].as_str())
            .filter(|c| !c.is_empty())
            .all(test)
    };
    all(0, is_list_marker) || all(0, |c| c.ends_with(':')) || all(1, is_page_number)
}

/// "4.2", "3.", "(a)", "iv)", "•".
fn is_list_marker(cell: &str) -> bool {
    let core = cell
        .trim_start_matches('(')
        .trim_end_matches(['.', ')', ':']);
    let numbered = core.chars().all(|c| c.is_ascii_digit() || c == '.');
    let roman = core.chars().all(|c| "ivxlc".contains(c));
    let lettered = core.chars().count() == 1 && core.chars().all(char::is_alphabetic);
    let bullet = matches!(cell, "•" | "◦" | "▪" | "‣" | "-" | "–" | "*");
    bullet || !core.is_empty() && core.len() <= 6 && (numbered || roman || lettered)
}

fn is_page_number(cell: &str) -> bool {
    cell.len() <= 4 && cell.chars().all(|c| c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::super::Run;
    use super::*;

    /// A line of runs, each given as (x, text); a run ends 5 points a
    /// character after it starts, as a 10-point font roughly sets it.
    fn line(y: f64, runs: &[(f64, &str)]) -> Line {
        let runs: Vec<Run> = runs
            .iter()
            .map(|&(x, text)| Run {
                text: text.into(),
                x,
                end: x + 5.0 * text.chars().count() as f64,
            })
            .collect();
        let texts: Vec<&str> = runs.iter().map(|r| r.text.as_str()).collect();
        Line {
            text: texts.join(" "),
            y,
            size: 9.0,
            runs,
        }
    }

    fn tables(lines: &[Line]) -> Vec<Vec<Vec<String>>> {
        pieces(lines, 10.5)
            .into_iter()
            .filter_map(|p| match p {
                Piece::Table(rows) => Some(rows),
                Piece::Line(_) => None,
            })
            .collect()
    }

    fn rows(table: &[&[&str]]) -> Vec<Vec<String>> {
        table
            .iter()
            .map(|r| r.iter().map(|c| c.to_string()).collect())
            .collect()
    }

    #[test]
    fn a_recommendations_table_with_wrapped_cells_is_read_row_by_row() {
        let lines = [
            line(700.0, &[(60.0, "Before the table.")]),
            line(
                680.0,
                &[(66.0, "No."), (100.0, "Recommendation"), (260.0, "Owner")],
            ),
            line(
                663.0,
                &[
                    (66.0, "1"),
                    (100.0, "Revise the triage"),
                    (260.0, "Head of"),
                ],
            ),
            line(652.0, &[(100.0, "protocol by June.")]),
            line(641.0, &[(260.0, "Service")]),
            line(
                624.0,
                &[(66.0, "2"), (100.0, "Audit it."), (260.0, "Chief Nurse")],
            ),
            line(
                600.0,
                &[(60.0, "After the table, a paragraph across the page.")],
            ),
        ];
        assert_eq!(
            tables(&lines),
            vec![rows(&[
                &["No.", "Recommendation", "Owner"],
                &[
                    "1",
                    "Revise the triage protocol by June.",
                    "Head of Service"
                ],
                &["2", "Audit it.", "Chief Nurse"],
            ])]
        );
        let pieces = pieces(&lines, 10.5);
        assert_eq!(pieces.len(), 3, "{pieces:?}");
        assert_eq!(pieces[0], Piece::Line(&lines[0]));
        assert_eq!(pieces[2], Piece::Line(&lines[6]));
    }

    #[test]
    fn a_header_with_an_empty_first_cell_and_wrapped_first_cells() {
        let lines = [
            line(680.0, &[(140.0, "Suspensions"), (260.0, "Total")]),
            line(663.0, &[(66.0, "Child P"), (140.0, "11"), (260.0, "37")]),
            line(646.0, &[(66.0, "Child Q,"), (140.0, "8"), (260.0, "26")]),
            line(635.0, &[(66.0, "aged 14")]),
            line(618.0, &[(66.0, "Child R"), (140.0, "9"), (260.0, "31")]),
        ];
        assert_eq!(
            tables(&lines),
            vec![rows(&[
                &["", "Suspensions", "Total"],
                &["Child P", "11", "37"],
                &["Child Q, aged 14", "8", "26"],
                &["Child R", "9", "31"],
            ])]
        );
    }

    #[test]
    fn every_first_cell_wrapped_still_gives_one_row_each() {
        let lines = [
            line(
                680.0,
                &[(66.0, "Who"), (140.0, "Suspensions"), (260.0, "Total")],
            ),
            line(663.0, &[(66.0, "Child"), (140.0, "11"), (260.0, "37")]),
            line(652.0, &[(66.0, "P")]),
            line(635.0, &[(66.0, "Child"), (140.0, "8 (one"), (260.0, "26")]),
            line(624.0, &[(66.0, "Q"), (140.0, "school)")]),
        ];
        assert_eq!(
            tables(&lines),
            vec![rows(&[
                &["Who", "Suspensions", "Total"],
                &["Child P", "11", "37"],
                &["Child Q", "8 (one school)", "26"],
            ])]
        );
    }

    #[test]
    fn rows_set_as_close_as_wrapped_lines_start_at_each_first_cell() {
        let lines = [
            line(680.0, &[(66.0, "No."), (100.0, "Action"), (260.0, "Owner")]),
            line(
                669.0,
                &[(66.0, "1"), (100.0, "Revise it."), (260.0, "Head of")],
            ),
            line(658.0, &[(260.0, "Service")]),
            line(
                647.0,
                &[(66.0, "2"), (100.0, "Audit it."), (260.0, "Chief Nurse")],
            ),
        ];
        assert_eq!(
            tables(&lines),
            vec![rows(&[
                &["No.", "Action", "Owner"],
                &["1", "Revise it.", "Head of Service"],
                &["2", "Audit it.", "Chief Nurse"],
            ])]
        );
    }

    #[test]
    fn paragraphs_and_headings_are_not_tables() {
        let lines = [
            line(700.0, &[(60.0, "The review was commissioned in May and")]),
            line(688.0, &[(60.0, "reported in June.")]),
            line(670.0, &[(60.0, "4.2 The health visitor disagreed.")]),
        ];
        assert!(tables(&lines).is_empty());
        let mut heading = line(700.0, &[(60.0, "4."), (100.0, "Analysis")]);
        heading.size = 15.0;
        let mut second = line(680.0, &[(60.0, "5."), (100.0, "Findings")]);
        second.size = 15.0;
        assert!(tables(&[heading, second]).is_empty());
    }

    #[test]
    fn numbered_paragraphs_with_a_hanging_indent_are_not_a_table() {
        let lines = [
            line(
                700.0,
                &[(60.0, "4.2"), (96.0, "The health visitor disagreed")],
            ),
            line(688.0, &[(96.0, "with the decision and said so.")]),
            line(670.0, &[(60.0, "4.3"), (96.0, "The school was not told.")]),
            line(652.0, &[(60.0, "4.4"), (96.0, "Nobody asked the mother.")]),
        ];
        assert!(tables(&lines).is_empty());
    }

    #[test]
    fn a_title_block_and_a_contents_list_are_not_tables() {
        let title = [
            line(700.0, &[(60.0, "Author:"), (160.0, "Jane Smith")]),
            line(686.0, &[(60.0, "Date:"), (160.0, "May 2024")]),
            line(672.0, &[(60.0, "Status:"), (160.0, "Final")]),
        ];
        assert!(tables(&title).is_empty());
        let contents = [
            line(700.0, &[(60.0, "Introduction"), (400.0, "3")]),
            line(686.0, &[(60.0, "Analysis"), (400.0, "5")]),
            line(672.0, &[(60.0, "Findings"), (400.0, "9")]),
        ];
        assert!(tables(&contents).is_empty());
        let two_by_two = [
            line(700.0, &[(60.0, "ARNSLEIGH"), (300.0, "Rapid review")]),
            line(686.0, &[(60.0, "Partnership"), (300.0, "June 2024")]),
        ];
        assert!(tables(&two_by_two).is_empty());
    }

    #[test]
    fn a_line_that_runs_across_a_column_ends_the_table() {
        let lines = [
            line(680.0, &[(66.0, "No."), (100.0, "Action"), (260.0, "Owner")]),
            line(
                663.0,
                &[(66.0, "1"), (100.0, "Revise it."), (260.0, "Head")],
            ),
            line(
                646.0,
                &[(66.0, "and this sentence runs right across the columns")],
            ),
        ];
        let pieces = pieces(&lines, 10.5);
        assert!(matches!(&pieces[..], [Piece::Table(rows), Piece::Line(_)] if rows.len() == 2));
    }
}
