//! HTML (.html, .htm): parsed as a browser would (html5ever, via scraper),
//! then walked once: `h1`–`h6` are headings, `li` items (numbered inside
//! `ol`), and every other block element a paragraph. Scripts, styles and the
//! page's furniture (`nav`, `header`, `footer`, `aside`) are left out.

use super::draft::{BlockKind, Draft};
use super::text;
use ego_tree::iter::Edge;
use regex::Regex;
use scraper::{Html, Node};
use std::sync::LazyLock;

static META_CHARSET: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"(?i)<meta[^>]*charset\s*=\s*["']?\s*([a-z0-9_:.-]+)"#).unwrap());

const SKIPPED: &[&str] = &[
    "head", "script", "style", "noscript", "template", "nav", "header", "footer", "aside", "svg",
    "iframe", "object", "button", "select",
];

const BLOCKS: &[&str] = &[
    "p",
    "div",
    "section",
    "article",
    "main",
    "body",
    "blockquote",
    "pre",
    "table",
    "tr",
    "td",
    "th",
    "dl",
    "dt",
    "dd",
    "ul",
    "ol",
    "li",
    "figure",
    "figcaption",
    "hr",
    "address",
    "details",
    "summary",
    "caption",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
];

/// Reads an HTML file into a draft; the encoding comes from a byte-order
/// mark, else a `<meta charset>`, else the usual detection.
pub fn read(bytes: &[u8]) -> Draft {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(2048)]);
    let declared = META_CHARSET
        .captures(&head)
        .and_then(|c| encoding_rs::Encoding::for_label(c[1].as_bytes()));
    let (source, _) = text::decode_with_default(bytes, declared);
    walk(&Html::parse_document(&source))
}

#[derive(Default)]
struct Walk {
    draft: Draft,
    kind: Option<BlockKind>,
    text: String,
    /// For each open list: the last number given (`ol`) or none (`ul`).
    lists: Vec<Option<u32>>,
    skipping: usize,
}

impl Walk {
    fn flush(&mut self) {
        let kind = self.kind.take().unwrap_or(BlockKind::Paragraph);
        let text = std::mem::take(&mut self.text);
        self.draft.push(kind, &text, None);
    }

    fn open(&mut self, name: &str, start: Option<u32>) {
        if self.skipping > 0 || SKIPPED.contains(&name) {
            self.skipping += 1;
            return;
        }
        match name {
            "br" => self.text.push(' '),
            "ol" => self.lists.push(Some(start.unwrap_or(1).saturating_sub(1))),
            "ul" => self.lists.push(None),
            _ => {}
        }
        if !BLOCKS.contains(&name) {
            return;
        }
        self.flush();
        if let Some(level) = heading_level(name) {
            self.kind = Some(BlockKind::Heading(level));
        }
        if name == "li" {
            self.kind = Some(BlockKind::ListItem);
            self.text = match self.lists.last_mut() {
                Some(Some(n)) => {
                    *n += 1;
                    format!("{n}. ")
                }
                _ => "• ".into(),
            };
        }
    }

    fn close(&mut self, name: &str) {
        if self.skipping > 0 {
            self.skipping -= 1;
            return;
        }
        if matches!(name, "ol" | "ul") {
            self.lists.pop();
        }
        if BLOCKS.contains(&name) {
            self.flush();
        }
    }
}

fn heading_level(name: &str) -> Option<u32> {
    let digit = name.strip_prefix('h')?;
    digit.parse().ok().filter(|l| (1..=6).contains(l))
}

fn walk(html: &Html) -> Draft {
    let mut walk = Walk::default();
    for edge in html.tree.root().traverse() {
        match edge {
            Edge::Open(node) => match node.value() {
                Node::Element(e) => {
                    let start = e.attr("start").and_then(|s| s.trim().parse().ok());
                    walk.open(e.name(), start);
                }
                Node::Text(t) if walk.skipping == 0 => walk.text.push_str(t),
                _ => {}
            },
            Edge::Close(node) => {
                if let Node::Element(e) = node.value() {
                    walk.close(e.name());
                }
            }
        }
    }
    walk.flush();
    walk.draft
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_lists_and_paragraphs_without_the_furniture() {
        let html = br#"<html><head><title>T</title><style>p{}</style></head><body>
            <header>Site banner</header><nav>Home | About</nav>
            <h1>Review of Child K</h1><p>The review   was <b>commissioned</b>.<br>It met.</p>
            <h2>Recommendations</h2><ol><li>Act now.</li><li>Audit.</li></ol>
            <ul><li>A point</li></ul><script>var x = 1;</script>
            <footer>Page 1</footer></body></html>"#;
        let blocks: Vec<(BlockKind, String)> = read(html)
            .blocks
            .into_iter()
            .map(|b| (b.kind, b.text))
            .collect();
        assert_eq!(
            blocks,
            vec![
                (BlockKind::Heading(1), "Review of Child K".into()),
                (
                    BlockKind::Paragraph,
                    "The review was commissioned. It met.".into()
                ),
                (BlockKind::Heading(2), "Recommendations".into()),
                (BlockKind::ListItem, "1. Act now.".into()),
                (BlockKind::ListItem, "2. Audit.".into()),
                (BlockKind::ListItem, "• A point".into()),
            ]
        );
    }

    #[test]
    fn a_declared_charset_is_honoured() {
        let html = b"<meta charset=\"windows-1252\"><p>child\x92s</p>";
        assert_eq!(read(html).blocks[0].text, "child’s");
    }
}
