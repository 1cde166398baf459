//! What the scorers see of one document, for `lessons extract`: the text
//! exactly as plugins receive it, and the structure recovered from it
//! (sections with their kinds, pages, list items, recommendations), as text
//! for a person or JSON for a program.

use crate::document::Document;
use lessons_plugin::SectionKind;
use lessons_plugin::abi::Span;
use serde_json::{Value, json};
use std::fmt::Write;

/// The document's text, then its structure, for reading in a terminal.
pub fn to_text(document: &Document) -> String {
    let s = &document.structure;
    let mut out = String::new();
    let _ = writeln!(out, "── text ({}) ──", document.path.display());
    out.push_str(&document.text.replace('\u{c}', "\n── page break ──\n"));
    if !document.text.ends_with('\n') {
        out.push('\n');
    }
    let _ = writeln!(out, "── structure ──");
    let _ = writeln!(out, "title:           {}", document.title);
    let _ = writeln!(out, "words:           {}", s.words);
    let _ = writeln!(out, "pages:           {}", pages_label(document));
    let _ = writeln!(
        out,
        "paragraphs:      {}\nsentences:       {}\nquotes:          {}\nlist items:      {}\nrecommendations: {}",
        s.paragraphs.len(),
        s.sentences.len(),
        s.quotes.len(),
        s.list_items.len(),
        s.recommendations.len()
    );
    let _ = writeln!(out, "sections:");
    for section in &s.sections {
        let heading = excerpt(document, section.heading, 80);
        let _ = writeln!(
            out,
            "  {}{:<20} {}{}",
            "  ".repeat(section.level.saturating_sub(1).min(5) as usize),
            format!("[{}]", SectionKind::from_code(section.kind).name()),
            if heading.is_empty() {
                "(before the first heading)"
            } else {
                &heading
            },
            page_suffix(document, section.span.start)
        );
    }
    if !s.recommendations.is_empty() {
        let _ = writeln!(out, "recommendations:");
        for item in &s.recommendations {
            let _ = writeln!(
                out,
                "  - {}{}",
                excerpt(document, item.span, 100),
                page_suffix(document, item.span.start)
            );
        }
    }
    out
}

/// The same facts as JSON.
pub fn to_json(document: &Document) -> Value {
    let s = &document.structure;
    let page = |offset: u64| document.page_of(offset as usize);
    let items = |items: &[lessons_plugin::abi::Item]| -> Vec<Value> {
        items
            .iter()
            .map(|it| {
                json!({
                    "number": it.number,
                    "start": it.span.start,
                    "end": it.span.end,
                    "page": page(it.span.start),
                    "text": span_text(document, it.span),
                })
            })
            .collect()
    };
    json!({
        "id": document.id,
        "path": document.path,
        "title": document.title,
        "words": s.words,
        "text": document.text,
        "pages": s.pages.iter().map(|p| json!({
            "number": p.number, "start": p.span.start, "end": p.span.end,
        })).collect::<Vec<_>>(),
        "sections": s.sections.iter().map(|sec| json!({
            "heading": span_text(document, sec.heading),
            "kind": SectionKind::from_code(sec.kind).name(),
            "level": sec.level,
            "start": sec.span.start,
            "end": sec.span.end,
            "page": page(sec.span.start),
        })).collect::<Vec<_>>(),
        "paragraphs": s.paragraphs.len(),
        "sentences": s.sentences.len(),
        "quotes": s.quotes.len(),
        "list_items": items(&s.list_items),
        "recommendations": items(&s.recommendations),
    })
}

fn span_text(document: &Document, span: Span) -> &str {
    document
        .text
        .get(span.start as usize..span.end as usize)
        .unwrap_or("")
}

/// A span's text on one line, cut to `max` characters.
fn excerpt(document: &Document, span: Span, max: usize) -> String {
    let one_line = super::draft::collapse_spaces(span_text(document, span)).replace('\u{c}', " ");
    if one_line.chars().count() <= max {
        return one_line;
    }
    let cut: String = one_line.chars().take(max).collect();
    format!("{cut}…")
}

fn pages_label(document: &Document) -> String {
    match document.structure.pages.len() {
        0 => "none (the source has no pages)".into(),
        n => n.to_string(),
    }
}

fn page_suffix(document: &Document, offset: u64) -> String {
    document
        .page_of(offset as usize)
        .map_or_else(String::new, |p| format!("  (page {p})"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn the_outline_names_sections_kinds_and_pages() {
        let text = "# Review\n\nIntro.\n\u{c}\n## Recommendations\n\n1. The Board should act by May 2025.\n";
        let document = crate::ingest::from_text(Path::new("r.pdf"), text.into());
        let shown = to_text(&document);
        assert!(shown.contains("[recommendations]"), "{shown}");
        assert!(shown.contains("Recommendations  (page 2)"), "{shown}");
        assert!(shown.contains("pages:           2"), "{shown}");
        let value = to_json(&document);
        assert_eq!(value["sections"][1]["kind"], "recommendations");
        assert_eq!(value["sections"][1]["page"], 2);
        assert_eq!(value["recommendations"][0]["page"], 2);
    }
}
