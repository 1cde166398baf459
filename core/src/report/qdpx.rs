//! The REFI-QDA project export (.qdpx), the exchange standard that NVivo,
//! ATLAS.ti and MAXQDA import: a zip holding `project.qde` (XML in the
//! `urn:QDA-XML:project:1.0` namespace) and each review's text as
//! `sources/<guid>.txt`. Each metric is a code, each known lesson a code
//! under "known lessons", and each evidence span a coded selection whose
//! positions count characters (Unicode scalar values), as the standard asks,
//! not bytes. Every GUID is derived from names (UUID v5), so the same batch
//! exports the same project, and a re-export can be merged with the first.

use super::known;
use super::palette::look;
use super::source;
use super::{ReportError, ranked};
use crate::batch::{Batch, EvidenceRecord, ReviewResult};
use crate::document::Document;
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};
use std::collections::BTreeMap;
use std::io::{self, Cursor, Write};
use uuid::Uuid;
use zip::write::SimpleFileOptions;

/// The REFI-QDA project namespace.
pub const NAMESPACE: &str = "urn:QDA-XML:project:1.0";

type Xml = Writer<Vec<u8>>;

/// A name-based GUID, stable across runs: `kind` and `name` say what it names.
pub fn guid(kind: &str, name: &str) -> String {
    let space = Uuid::new_v5(&Uuid::NAMESPACE_URL, b"urn:lessons:refi-qda");
    Uuid::new_v5(&space, format!("{kind}\u{0}{name}").as_bytes())
        .hyphenated()
        .to_string()
}

/// The codes of the project: one per metric, one per known lesson.
struct CodeBook {
    metrics: Vec<String>,
    /// Known lesson key → name.
    lessons: BTreeMap<String, String>,
}

impl CodeBook {
    fn metric(&self, metric: &str) -> String {
        guid("code", metric)
    }
    fn lesson(&self, key: &str) -> String {
        guid("known lesson", key)
    }
}

/// A review with its text, ready to export.
struct Source<'a> {
    review: &'a ReviewResult,
    document: Document,
}

pub fn write(batch: &Batch, metrics: &[String], out: &mut dyn Write) -> Result<(), ReportError> {
    let mut codes = CodeBook {
        metrics: metrics.to_vec(),
        lessons: BTreeMap::new(),
    };
    let mut sources = Vec::new();
    let mut missing = Vec::new();
    for review in ranked(batch) {
        match source::load(review) {
            Ok(document) => sources.push(Source { review, document }),
            Err(e) => missing.push(e.to_string()),
        }
        for e in &review.evidence {
            if !codes.metrics.contains(&e.metric) {
                codes.metrics.push(e.metric.clone());
            }
        }
        codes
            .lessons
            .extend(review.evidence.iter().filter_map(known::of));
    }
    let project = project(batch, &codes, &sources, &missing)?;
    let mut archive = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().last_modified_time(zip::DateTime::default());
    archive.start_file("project.qde", options)?;
    archive.write_all(&project)?;
    for s in &sources {
        archive.start_file(format!("sources/{}.txt", source_guid(s.review)), options)?;
        archive.write_all(s.document.text.as_bytes())?;
    }
    out.write_all(&archive.finish()?.into_inner())?;
    Ok(())
}

fn source_guid(review: &ReviewResult) -> String {
    guid("source", &review.id)
}

fn user() -> String {
    guid("user", "lessons")
}

fn project(
    batch: &Batch,
    codes: &CodeBook,
    sources: &[Source<'_>],
    missing: &[String],
) -> io::Result<Vec<u8>> {
    let mut xml = Writer::new_with_indent(Vec::new(), b' ', 2);
    xml.write_event(Event::Decl(BytesDecl::new("1.0", Some("utf-8"), None)))?;
    let origin = format!("{} {}", batch.tool.name, batch.tool.version);
    xml.create_element("Project")
        .with_attributes([
            ("xmlns", NAMESPACE),
            ("name", "lessons: which reviews add real learning"),
            ("origin", origin.as_str()),
            ("creatingUserGUID", user().as_str()),
        ])
        .write_inner_content(|xml| {
            xml.create_element("Users").write_inner_content(|xml| {
                xml.create_element("User")
                    .with_attributes([("guid", user().as_str()), ("name", "lessons")])
                    .write_empty()?;
                Ok(())
            })?;
            code_book(xml, codes)?;
            variables(xml, &codes.metrics)?;
            xml.create_element("Sources").write_inner_content(|xml| {
                sources.iter().try_for_each(|s| text_source(xml, s, codes))
            })?;
            description(xml, batch, missing)
        })?;
    Ok(xml.into_inner())
}

fn code_book(xml: &mut Xml, codes: &CodeBook) -> io::Result<()> {
    xml.create_element("CodeBook").write_inner_content(|xml| {
        xml.create_element("Codes").write_inner_content(|xml| {
            for metric in &codes.metrics {
                let l = look(metric);
                let guid = codes.metric(metric);
                xml.create_element("Code")
                    .with_attributes([
                        ("guid", guid.as_str()),
                        ("name", metric.as_str()),
                        ("isCodable", "true"),
                        ("color", l.colour),
                    ])
                    .write_inner_content(|xml| {
                        text_element(
                            xml,
                            "Description",
                            &format!(
                                "{}: a passage a plugin cited as evidence for this metric",
                                l.name
                            ),
                        )
                    })?;
            }
            if codes.lessons.is_empty() {
                return Ok(());
            }
            let parent = guid("code", "known lessons");
            xml.create_element("Code")
                .with_attributes([
                    ("guid", parent.as_str()),
                    ("name", "known lessons"),
                    ("isCodable", "false"),
                ])
                .write_inner_content(|xml| {
                    text_element(
                        xml,
                        "Description",
                        "lessons already known from earlier reviews, which a passage restates",
                    )?;
                    for (key, name) in &codes.lessons {
                        xml.create_element("Code")
                            .with_attributes([
                                ("guid", codes.lesson(key).as_str()),
                                ("name", name.as_str()),
                                ("isCodable", "true"),
                            ])
                            .write_empty()?;
                    }
                    Ok(())
                })?;
            Ok(())
        })?;
        Ok(())
    })?;
    Ok(())
}

/// One variable per metric, the learning index and the verdict, so that a
/// QDA tool can sort and group the sources by score.
fn variables(xml: &mut Xml, metrics: &[String]) -> io::Result<()> {
    xml.create_element("Variables").write_inner_content(|xml| {
        for metric in metrics.iter().map(String::as_str).chain(["learning_index"]) {
            xml.create_element("Variable")
                .with_attributes([
                    ("guid", guid("variable", metric).as_str()),
                    ("name", metric),
                    ("typeOfVariable", "Float"),
                ])
                .write_empty()?;
        }
        xml.create_element("Variable")
            .with_attributes([
                ("guid", guid("variable", "adds_real_learning").as_str()),
                ("name", "adds_real_learning"),
                ("typeOfVariable", "Boolean"),
            ])
            .write_empty()?;
        Ok(())
    })?;
    Ok(())
}

fn text_source(xml: &mut Xml, source: &Source<'_>, codes: &CodeBook) -> io::Result<()> {
    let review = source.review;
    let guid = source_guid(review);
    let path = format!("internal://{guid}.txt");
    let chars = CharIndex::new(&source.document.text);
    xml.create_element("TextSource")
        .with_attributes([
            ("guid", guid.as_str()),
            ("name", review.id.as_str()),
            ("plainTextPath", path.as_str()),
            ("creatingUser", user().as_str()),
        ])
        .write_inner_content(|xml| {
            text_element(xml, "Description", &review.title)?;
            for (i, e) in review.evidence.iter().enumerate() {
                selection(xml, review, i, e, &chars, codes)?;
            }
            for metric in &codes.metrics {
                if let Some(value) = review.scores.get(metric).copied().flatten() {
                    variable_value(xml, metric, "FloatValue", &value.to_string())?;
                }
            }
            variable_value(
                xml,
                "learning_index",
                "FloatValue",
                &review.learning_index.to_string(),
            )?;
            variable_value(
                xml,
                "adds_real_learning",
                "BooleanValue",
                &review.adds_real_learning.to_string(),
            )
        })?;
    Ok(())
}

fn selection(
    xml: &mut Xml,
    review: &ReviewResult,
    index: usize,
    e: &EvidenceRecord,
    chars: &CharIndex,
    codes: &CodeBook,
) -> io::Result<()> {
    let key = format!("{}/{index}/{}/{}-{}", review.id, e.rule, e.start, e.end);
    let start = chars.of(e.start as usize).to_string();
    let end = chars.of(e.end as usize).to_string();
    let name = format!("{} (line {})", e.rule, e.line);
    xml.create_element("PlainTextSelection")
        .with_attributes([
            ("guid", guid("selection", &key).as_str()),
            ("name", name.as_str()),
            ("startPosition", start.as_str()),
            ("endPosition", end.as_str()),
            ("creatingUser", user().as_str()),
        ])
        .write_inner_content(|xml| {
            text_element(xml, "Description", &format!("{} [{}]", e.note, e.plugin))?;
            coding(xml, &format!("{key}/metric"), &codes.metric(&e.metric))?;
            if let Some((lesson, _)) = known::of(e) {
                coding(xml, &format!("{key}/lesson"), &codes.lesson(&lesson))?;
            }
            Ok(())
        })?;
    Ok(())
}

fn coding(xml: &mut Xml, key: &str, code: &str) -> io::Result<()> {
    xml.create_element("Coding")
        .with_attributes([
            ("guid", guid("coding", key).as_str()),
            ("creatingUser", user().as_str()),
        ])
        .write_inner_content(|xml| {
            xml.create_element("CodeRef")
                .with_attribute(("targetGUID", code))
                .write_empty()?;
            Ok(())
        })?;
    Ok(())
}

fn variable_value(xml: &mut Xml, variable: &str, kind: &str, value: &str) -> io::Result<()> {
    xml.create_element("VariableValue")
        .write_inner_content(|xml| {
            xml.create_element("VariableRef")
                .with_attribute(("targetGUID", guid("variable", variable).as_str()))
                .write_empty()?;
            text_element(xml, kind, value)
        })?;
    Ok(())
}

fn description(xml: &mut Xml, batch: &Batch, missing: &[String]) -> io::Result<()> {
    let mut text = format!(
        "{} reviews scored by {} {}. Codes: one per metric, one per known lesson; each selection is a passage a plugin cited.",
        batch.reviews.len(),
        batch.tool.name,
        batch.tool.version
    );
    for m in missing {
        text.push_str(&format!(" Not included: {m}."));
    }
    text_element(xml, "Description", &text)
}

fn text_element(xml: &mut Xml, name: &str, text: &str) -> io::Result<()> {
    xml.create_element(name)
        .write_text_content(BytesText::new(text))?;
    Ok(())
}

/// Byte offsets to character offsets for one text.
struct CharIndex {
    /// The byte offset at which each character starts.
    starts: Vec<usize>,
    len: usize,
}

impl CharIndex {
    fn new(text: &str) -> CharIndex {
        CharIndex {
            starts: text.char_indices().map(|(i, _)| i).collect(),
            len: text.len(),
        }
    }

    /// The character offset of a byte offset on a character boundary.
    fn of(&self, byte: usize) -> usize {
        if byte >= self.len {
            return self.starts.len();
        }
        self.starts.partition_point(|&s| s < byte)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn character_offsets_count_characters_not_bytes() {
        let text = "café – “quoted”";
        let index = CharIndex::new(text);
        let byte = text.find('“').unwrap();
        assert_eq!(index.of(byte), 7);
        assert_eq!(index.of(text.len()), text.chars().count());
    }

    #[test]
    fn guids_are_stable_and_distinct() {
        assert_eq!(guid("code", "handwringing"), guid("code", "handwringing"));
        assert_ne!(guid("code", "handwringing"), guid("code", "hindsight"));
        assert_ne!(guid("code", "a"), guid("source", "a"));
        assert_eq!(guid("code", "x").len(), 36);
    }
}
