//! The HTML report: one self-contained page a person reads offline. Inline
//! CSS, inline SVG charts and a few lines of inline script for sorting and
//! filtering the table; nothing is fetched. Evidence is shown in each
//! review's text, marked by function with colour, an underline style and a
//! text label, so that it reads in greyscale and through a screen reader.

use super::ReportError;
use super::known::{self, Recurring};
use super::palette::look;
use super::source;
use crate::batch::{Batch, EvidenceRecord, ReviewResult};
use crate::config::FUNCTIONS;
use quick_xml::escape::escape;
use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::io::Write;

const STYLE: &str = include_str!("html/report.css");
const SCRIPT: &str = include_str!("html/report.js");

/// The five functions a review can serve: the per-review chart shows these.
fn functions() -> &'static [&'static str] {
    &FUNCTIONS[..5]
}

pub fn write(batch: &Batch, metrics: &[String], out: &mut dyn Write) -> Result<(), ReportError> {
    let mut page = String::with_capacity(1 << 20);
    let recurring = known::recurring(batch);
    head(&mut page, batch, metrics);
    summary(&mut page, batch);
    batch_table(&mut page, batch, metrics);
    distribution(&mut page, batch, metrics);
    known_lessons(&mut page, batch, &recurring);
    texts(&mut page, batch, metrics);
    let _ = write!(
        page,
        "</main>\n<script>\n{SCRIPT}</script>\n</body>\n</html>\n"
    );
    out.write_all(page.as_bytes())?;
    Ok(())
}

fn head(page: &mut String, batch: &Batch, metrics: &[String]) {
    let _ = write!(
        page,
        "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"{} {}\">\n\
         <title>Which reviews add real learning? {} reviews</title>\n<style>\n{STYLE}",
        escape(&batch.tool.name),
        escape(&batch.tool.version),
        batch.reviews.len()
    );
    let mut all: BTreeSet<&str> = metrics.iter().map(String::as_str).collect();
    all.extend(
        batch
            .reviews
            .iter()
            .flat_map(|r| r.evidence.iter().map(|e| e.metric.as_str())),
    );
    for metric in all {
        let l = look(metric);
        let _ = writeln!(
            page,
            ".m-{c} {{ background: {}; text-decoration-color: {}; text-decoration-style: {}; }}\n.t-{c} {{ border-color: {}; }}",
            l.tint,
            l.colour,
            l.underline,
            l.colour,
            c = class(metric)
        );
    }
    page.push_str("</style>\n</head>\n<body>\n");
}

/// A metric id made safe as a CSS class name.
fn class(metric: &str) -> String {
    metric.replace(
        |c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'),
        "-",
    )
}

fn summary(page: &mut String, batch: &Batch) {
    let learning = batch
        .reviews
        .iter()
        .filter(|r| r.adds_real_learning)
        .count();
    let plugins: Vec<String> = batch
        .plugins
        .iter()
        .map(|p| format!("{} {}", p.name, p.version))
        .collect();
    let _ = write!(
        page,
        "<header>\n<h1>Which reviews add real learning?</h1>\n\
         <p class=\"summary\">{} reviews scored; <strong>{learning} add real learning</strong>. \
         Scored by {} {} with {}.</p>\n",
        batch.reviews.len(),
        escape(&batch.tool.name),
        escape(&batch.tool.version),
        escape(plugins.join(", "))
    );
    let mut problems: Vec<String> = Vec::new();
    problems.extend(
        batch
            .skipped
            .iter()
            .map(|s| format!("Skipped: {}", s.reason)),
    );
    problems.extend(
        batch
            .refused_plugins
            .iter()
            .map(|r| format!("Plugin refused: {}", r.reason)),
    );
    for review in &batch.reviews {
        problems.extend(review.errors.iter().map(|e| {
            format!(
                "{}: plugin {} failed ({}): {}",
                review.id, e.plugin, e.kind, e.message
            )
        }));
    }
    for problem in problems {
        let _ = writeln!(page, "<p class=\"warning\">{}</p>", escape(&problem));
    }
    page.push_str(
        "<nav aria-label=\"Contents\"><ul><li><a href=\"#batch\">The batch</a></li>\
         <li><a href=\"#distribution\">Scores across the batch</a></li>\
         <li><a href=\"#known\">Recurring known lessons</a></li>\
         <li><a href=\"#texts\">The reviews and their evidence</a></li></ul></nav>\n</header>\n<main>\n",
    );
}

fn batch_table(page: &mut String, batch: &Batch, metrics: &[String]) {
    page.push_str(
        "<section id=\"batch\" aria-labelledby=\"batch-title\">\n<h2 id=\"batch-title\">The batch</h2>\n\
         <div class=\"controls\">\
         <label>Filter <input id=\"filter\" type=\"search\" placeholder=\"review, title\"></label>\
         <label><input id=\"only-learning\" type=\"checkbox\"> only reviews that add real learning</label>\
         <span id=\"shown\" aria-live=\"polite\"></span></div>\n\
         <table id=\"reviews\">\n<caption class=\"sr\">Each review's scores (0 to 100), learning index and verdict. \
         The column buttons sort the table.</caption>\n<thead><tr>",
    );
    sortable_header(page, "Review", "text", "none");
    for metric in metrics {
        sortable_header(page, &look(metric).name, "number", "none");
    }
    sortable_header(page, "Learning index", "number", "descending");
    sortable_header(page, "Adds real learning", "text", "none");
    sortable_header(page, "Evidence", "number", "none");
    page.push_str("<th scope=\"col\">Profile of the five functions</th></tr></thead>\n<tbody>\n");
    for review in super::ranked(batch) {
        table_row(page, review, metrics);
    }
    page.push_str("</tbody>\n</table>\n</section>\n");
}

fn sortable_header(page: &mut String, title: &str, kind: &str, sort: &str) {
    let _ = write!(
        page,
        "<th scope=\"col\" aria-sort=\"{sort}\"><button type=\"button\" data-type=\"{kind}\">{}</button></th>",
        escape(title)
    );
}

fn table_row(page: &mut String, review: &ReviewResult, metrics: &[String]) {
    let verdict = if review.adds_real_learning {
        "yes"
    } else {
        "no"
    };
    let _ = write!(
        page,
        "<tr data-id=\"{id}\" data-learning=\"{verdict}\"><th scope=\"row\" data-value=\"{id}\">\
         <a href=\"#review-{id}\">{id}</a><small>{title}</small></th>",
        id = escape(&review.id),
        title = escape(&review.title)
    );
    for metric in metrics {
        match score(review, metric) {
            Some(s) => {
                let _ = write!(page, "<td class=\"num\" data-value=\"{s}\">{s:.0}</td>");
            }
            None => page.push_str("<td class=\"num\" data-value=\"\">–</td>"),
        }
    }
    let _ = write!(
        page,
        "<td class=\"num\" data-value=\"{li}\">{li:.1}</td>\
         <td class=\"verdict-{verdict}\" data-value=\"{verdict}\">{verdict}</td>\
         <td class=\"num\" data-value=\"{n}\">{n}</td><td>",
        li = review.learning_index,
        n = review.evidence.len()
    );
    profile(page, review);
    page.push_str("</td></tr>\n");
}

fn score(review: &ReviewResult, metric: &str) -> Option<f64> {
    review.scores.get(metric).copied().flatten()
}

/// A small bar chart of the five function scores, one bar per function,
/// each bar labelled underneath so that it reads without colour.
fn profile(page: &mut String, review: &ReviewResult) {
    const BAR: f64 = 16.0;
    const HEIGHT: f64 = 30.0;
    let description: Vec<String> = functions()
        .iter()
        .map(|m| {
            let value = score(review, m).map_or_else(|| "not scored".into(), |s| format!("{s:.0}"));
            format!("{} {value}", look(m).name)
        })
        .collect();
    let _ = write!(
        page,
        "<svg width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"{label}\"><title>{label}</title>",
        w = BAR * functions().len() as f64 + 2.0,
        h = HEIGHT + 12.0,
        label = escape(description.join(", "))
    );
    for (i, metric) in functions().iter().enumerate() {
        let l = look(metric);
        let height = score(review, metric).unwrap_or(0.0) / 100.0 * HEIGHT;
        let x = 1.0 + i as f64 * BAR;
        let _ = write!(
            page,
            "<rect x=\"{x}\" y=\"{y:.1}\" width=\"{bw}\" height=\"{height:.1}\" fill=\"{c}\"/>\
             <text x=\"{tx}\" y=\"{ty}\" text-anchor=\"middle\" style=\"font-size:8px\">{label}</text>",
            y = HEIGHT - height,
            bw = BAR - 3.0,
            c = l.colour,
            tx = x + (BAR - 3.0) / 2.0,
            ty = HEIGHT + 10.0,
            label = l.label
        );
    }
    let _ = write!(
        page,
        "<line x1=\"0\" x2=\"{w}\" y1=\"{HEIGHT}\" y2=\"{HEIGHT}\" stroke=\"#1b1b1b\"/></svg>",
        w = BAR * functions().len() as f64 + 2.0
    );
}

/// One strip per metric: a dot per review at its score, stacked where
/// scores coincide, and the median as a bar; each dot names its review.
fn distribution(page: &mut String, batch: &Batch, metrics: &[String]) {
    const LEFT: f64 = 170.0;
    const WIDTH: f64 = 620.0;
    const ROW: f64 = 64.0;
    let height = ROW * metrics.len() as f64 + 30.0;
    let _ = write!(
        page,
        "<section id=\"distribution\" aria-labelledby=\"distribution-title\">\n\
         <h2 id=\"distribution-title\">Scores across the batch</h2>\n<figure>\n\
         <svg width=\"{tw}\" height=\"{height}\" viewBox=\"0 0 {tw} {height}\" role=\"img\" aria-labelledby=\"distribution-caption\">\n",
        tw = LEFT + WIDTH + 80.0
    );
    for (row, metric) in metrics.iter().enumerate() {
        let l = look(metric);
        let mid = ROW * row as f64 + ROW / 2.0;
        let mut values: Vec<(f64, &str)> = batch
            .reviews
            .iter()
            .filter_map(|r| score(r, metric).map(|s| (s, r.id.as_str())))
            .collect();
        values.sort_by(|a, b| a.0.total_cmp(&b.0));
        let _ = write!(
            page,
            "<text x=\"0\" y=\"{y}\">{name} ({label})</text>\
             <line x1=\"{LEFT}\" x2=\"{right}\" y1=\"{mid}\" y2=\"{mid}\" stroke=\"#c8c8c8\"/>",
            y = mid + 4.0,
            name = escape(&l.name),
            label = l.label,
            right = LEFT + WIDTH
        );
        let mut stacked: Vec<(i64, usize)> = Vec::new();
        for (value, id) in &values {
            let bin = (value / 2.0).round() as i64;
            let depth = match stacked.iter_mut().find(|(b, _)| *b == bin) {
                Some((_, n)) => {
                    *n += 1;
                    *n
                }
                None => {
                    stacked.push((bin, 0));
                    0
                }
            };
            let offset =
                if depth % 2 == 0 { 1.0 } else { -1.0 } * (depth as f64).div_euclid(2.0) * 7.0
                    - if depth % 2 == 1 { 7.0 } else { 0.0 };
            let _ = write!(
                page,
                "<circle cx=\"{cx:.1}\" cy=\"{cy:.1}\" r=\"3.2\" fill=\"{c}\" fill-opacity=\"0.8\" stroke=\"#1b1b1b\" stroke-width=\"0.5\"><title>{id}: {value:.0}</title></circle>",
                cx = LEFT + value / 100.0 * WIDTH,
                cy = (mid + offset).clamp(mid - ROW / 2.0 + 4.0, mid + ROW / 2.0 - 4.0),
                c = l.colour,
                id = escape(*id)
            );
        }
        if let Some(median) = median(&values) {
            let x = LEFT + median / 100.0 * WIDTH;
            let _ = write!(
                page,
                "<line x1=\"{x:.1}\" x2=\"{x:.1}\" y1=\"{a}\" y2=\"{b}\" stroke=\"#1b1b1b\" stroke-width=\"2\"/>\
                 <text x=\"{tx}\" y=\"{ty}\">median {median:.0}</text>",
                a = mid - ROW / 2.0 + 2.0,
                b = mid + ROW / 2.0 - 2.0,
                tx = LEFT + WIDTH + 8.0,
                ty = mid + 4.0
            );
        }
    }
    let axis = ROW * metrics.len() as f64 + 15.0;
    for tick in (0..=100).step_by(25) {
        let _ = write!(
            page,
            "<text x=\"{x}\" y=\"{axis}\" text-anchor=\"middle\">{tick}</text>",
            x = LEFT + f64::from(tick) / 100.0 * WIDTH
        );
    }
    page.push_str(
        "</svg>\n<figcaption id=\"distribution-caption\">Each dot is one review's score (0 to 100) on that metric; \
         the upright bar is the batch median. Hover a dot for the review.</figcaption>\n</figure>\n</section>\n",
    );
}

fn median(sorted: &[(f64, &str)]) -> Option<f64> {
    let n = sorted.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(sorted[n / 2].0),
        _ => Some((sorted[n / 2 - 1].0 + sorted[n / 2].0) / 2.0),
    }
}

fn known_lessons(page: &mut String, batch: &Batch, recurring: &[Recurring]) {
    page.push_str(
        "<section id=\"known\" aria-labelledby=\"known-title\">\n<h2 id=\"known-title\">Recurring known lessons</h2>\n",
    );
    if recurring.is_empty() {
        page.push_str(
            "<p>No review in this batch was cited for restating a known lesson.</p>\n</section>\n",
        );
        return;
    }
    let _ = write!(
        page,
        "<p>Passages the plugins cite for restating a lesson already known from earlier reviews, \
         and how many of the {} reviews restate each.</p>\n\
         <table><thead><tr><th scope=\"col\">Known lesson</th><th scope=\"col\">Reviews</th>\
         <th scope=\"col\">Passages</th><th scope=\"col\">Which reviews</th></tr></thead><tbody>\n",
        batch.reviews.len()
    );
    for lesson in recurring {
        let links: Vec<String> = lesson
            .reviews
            .iter()
            .map(|id| format!("<a href=\"#review-{0}\">{0}</a>", escape(id)))
            .collect();
        let _ = writeln!(
            page,
            "<tr><th scope=\"row\">{}</th><td class=\"num\">{} of {}</td><td class=\"num\">{}</td><td>{}</td></tr>",
            escape(&lesson.name),
            lesson.reviews.len(),
            batch.reviews.len(),
            lesson.passages,
            links.join(", ")
        );
    }
    page.push_str("</tbody></table>\n</section>\n");
}

fn legend(page: &mut String, metrics: &[String]) {
    page.push_str("<ul class=\"legend\" aria-label=\"Legend\">");
    for metric in metrics {
        let l = look(metric);
        let _ = write!(
            page,
            "<li><mark class=\"m-{c}\"><span class=\"key t-{c}\">{label}</span></mark> {name}{kind}</li>",
            c = class(metric),
            label = l.label,
            name = escape(&l.name),
            kind = if l.learning { "" } else { " (noise)" }
        );
    }
    page.push_str("</ul>\n");
}

fn texts(page: &mut String, batch: &Batch, metrics: &[String]) {
    page.push_str(
        "<section id=\"texts\" aria-labelledby=\"texts-title\">\n<h2 id=\"texts-title\">The reviews and their evidence</h2>\n\
         <p>Each passage a plugin cited is marked in the colour of its function and labelled at its end; \
         hover a label for the plugin's note. Screen readers announce where each passage starts and ends.</p>\n",
    );
    legend(page, metrics);
    for (i, review) in super::ranked(batch).into_iter().enumerate() {
        review_text(page, review, i == 0);
    }
    page.push_str("</section>\n");
}

fn review_text(page: &mut String, review: &ReviewResult, open: bool) {
    let scores: Vec<String> = functions()
        .iter()
        .map(|m| {
            let value = score(review, m).map_or_else(|| "–".into(), |s| format!("{s:.0}"));
            format!("{} {value}", look(m).label)
        })
        .collect();
    let _ = write!(
        page,
        "<article id=\"review-{id}\" aria-labelledby=\"title-{id}\"><details{open}><summary>\
         <h3 id=\"title-{id}\">{title}</h3> <span class=\"scores\">{id} · {scores} · learning index {li:.1} · {verdict}</span></summary>",
        id = escape(&review.id),
        title = escape(&review.title),
        open = if open { " open" } else { "" },
        scores = scores.join(" "),
        li = review.learning_index,
        verdict = if review.adds_real_learning {
            "adds real learning"
        } else {
            "does not add real learning"
        }
    );
    page.push('\n');
    match source::load(review) {
        Ok(document) => {
            page.push_str("<div class=\"text\">");
            highlight(page, &document.text, &review.evidence);
            page.push_str("</div>\n");
        }
        Err(e) => {
            let _ = writeln!(
                page,
                "<p class=\"unavailable\">The text cannot be shown: {}</p>",
                escape(e.to_string())
            );
        }
    }
    page.push_str("</details></article>\n");
}

/// Writes `text` with every evidence span marked. Spans may overlap, so the
/// text is cut at every span edge; each piece is marked with the most
/// specific (shortest) span covering it, and outlined when several cover it.
/// Each span announces its start to a screen reader and ends with a visible label.
fn highlight(page: &mut String, text: &str, evidence: &[EvidenceRecord]) {
    let spans: Vec<(usize, usize, &EvidenceRecord)> = evidence
        .iter()
        .map(|e| (e.start as usize, e.end as usize, e))
        .filter(|(s, e, _)| s < e && *e <= text.len())
        .collect();
    let mut edges: BTreeSet<usize> = spans.iter().flat_map(|(s, e, _)| [*s, *e]).collect();
    edges.insert(0);
    edges.insert(text.len());
    let edges: Vec<usize> = edges.into_iter().collect();
    for pair in edges.windows(2) {
        let (from, to) = (pair[0], pair[1]);
        for (_, _, e) in spans.iter().filter(|(s, _, _)| *s == from) {
            let _ = write!(
                page,
                "<span class=\"sr\">[{} passage starts] </span>",
                escape(&look(&e.metric).name)
            );
        }
        let covering: Vec<&(usize, usize, &EvidenceRecord)> = spans
            .iter()
            .filter(|(s, e, _)| *s <= from && to <= *e)
            .collect();
        let piece = escape(&text[from..to]);
        match covering.iter().min_by_key(|(s, e, _)| e - s) {
            None => page.push_str(&piece),
            Some((_, _, e)) => {
                let _ = write!(
                    page,
                    "<mark class=\"m-{metric}{overlap}\">{piece}</mark>",
                    metric = class(&e.metric),
                    overlap = if covering.len() > 1 { " overlap" } else { "" },
                );
            }
        }
        for (_, _, e) in spans.iter().filter(|(_, end, _)| *end == to) {
            let l = look(&e.metric);
            let _ = write!(
                page,
                "<span class=\"tag t-{c}\" title=\"{note} [{rule}]\">{label}<span class=\"sr\"> {name} passage ends: {note}</span></span>",
                c = class(&e.metric),
                note = escape(&e.note),
                rule = escape(&e.rule),
                label = l.label,
                name = escape(&l.name)
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn evidence(metric: &str, start: u64, end: u64) -> EvidenceRecord {
        EvidenceRecord {
            metric: metric.into(),
            plugin: metric.into(),
            start,
            end,
            line: 1,
            column: 1,
            page: None,
            section: String::new(),
            section_kind: "other".into(),
            text: String::new(),
            note: "a <note>".into(),
            rule: format!("{metric}.rule"),
            weight: 1.0,
        }
    }

    #[test]
    fn overlapping_spans_keep_every_character_once_and_label_each_span() {
        let text = "We should have known & acted.";
        let spans = [
            evidence("hindsight", 3, 14),
            evidence("finger_pointing", 3, 21),
        ];
        let mut page = String::new();
        highlight(&mut page, text, &spans);
        let visible = strip_tags(&page);
        assert_eq!(visible, "We should haveHS known FP&amp; acted.");
        assert_eq!(page.matches("passage starts").count(), 2);
        assert!(page.contains("class=\"m-hindsight overlap\""), "{page}");
        assert!(page.contains("a &lt;note&gt;"), "{page}");
    }

    /// The text a sighted reader sees: screen-reader-only spans and tags removed.
    fn strip_tags(html: &str) -> String {
        let hidden = regex::Regex::new(r#"<span class="sr">[^<]*</span>"#).unwrap();
        let tags = regex::Regex::new(r"<[^>]*>").unwrap();
        tags.replace_all(&hidden.replace_all(html, ""), "")
            .into_owned()
    }
}
