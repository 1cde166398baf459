//! `lessons test-rules`: every rule of a pack carries positive examples (it
//! must fire) and negative ones (it must not). Each example becomes a small
//! review, analysed by the same ingest as a real one and set under a heading
//! of the rule's section kind, then scored by the rules plugin's engine.

use crate::ingest;
use lessons_plugin::SectionKind;
use lessons_rules::engine;
use lessons_rules::pack::{Pack, PackError};
use std::path::{Path, PathBuf};

/// One example's outcome.
#[derive(Clone, Debug, PartialEq)]
pub struct ExampleOutcome {
    /// `pack.rule`.
    pub rule: String,
    /// Whether the rule should fire on the example.
    pub positive: bool,
    /// 1-based position among the rule's positive (or negative) examples.
    pub number: usize,
    pub text: String,
    /// Whether the rule fired.
    pub fired: bool,
}

impl ExampleOutcome {
    pub fn passed(&self) -> bool {
        self.fired == self.positive
    }
}

/// A pack's examples, run.
#[derive(Clone, Debug)]
pub struct PackOutcome {
    pub pack: String,
    pub path: PathBuf,
    pub examples: Vec<ExampleOutcome>,
}

impl PackOutcome {
    pub fn failures(&self) -> impl Iterator<Item = &ExampleOutcome> {
        self.examples.iter().filter(|e| !e.passed())
    }
}

/// Reads a pack file and runs its examples.
pub fn run_file(path: &Path) -> Result<PackOutcome, PackError> {
    Ok(run_pack(&Pack::from_file(path)?))
}

/// Runs the examples of a compiled pack.
pub fn run_pack(pack: &Pack) -> PackOutcome {
    let mut examples = Vec::new();
    for (index, rule) in pack.rules.iter().enumerate() {
        let section = pack.example_section(index);
        let cases = rule
            .positive
            .iter()
            .map(|t| (true, t))
            .enumerate()
            .chain(rule.negative.iter().map(|t| (false, t)).enumerate());
        for (i, (positive, text)) in cases {
            let fired = fires(pack, index, section, text);
            examples.push(ExampleOutcome {
                rule: rule.id.clone(),
                positive,
                number: i + 1,
                text: text.clone(),
                fired,
            });
        }
    }
    PackOutcome {
        pack: pack.id.clone(),
        path: pack.path.clone(),
        examples,
    }
}

/// Whether rule `index` cites anything in the example.
fn fires(pack: &Pack, index: usize, section: SectionKind, text: &str) -> bool {
    let document = ingest::from_text(Path::new("example"), example_review(section, text));
    let view = document.view();
    // SAFETY: `view` borrows `document`, which outlives this call.
    let Ok(document) = (unsafe { lessons_plugin::Document::from_view(&view) }) else {
        return false;
    };
    let values = engine::evaluate(pack, &document);
    !values[index].cited.is_empty()
}

/// The example as a review: as written if it brings its own heading,
/// otherwise under a heading ingest reads as `section`.
pub fn example_review(section: SectionKind, text: &str) -> String {
    if text.trim_start().starts_with('#') {
        return format!("{text}\n");
    }
    format!("## {}\n\n{text}\n", heading_for(section))
}

/// A heading that names each kind of section.
fn heading_for(section: SectionKind) -> &'static str {
    match section {
        SectionKind::Other => "Notes",
        SectionKind::TermsOfReference => "Terms of reference",
        SectionKind::Methodology => "Methodology",
        SectionKind::Chronology => "Chronology",
        SectionKind::Analysis => "Analysis",
        SectionKind::Findings => "Findings",
        SectionKind::Recommendations => "Recommendations",
        SectionKind::Learning => "Learning",
        SectionKind::Background => "Background",
        SectionKind::Conclusion => "Conclusion",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_example_heading_is_read_as_its_section_kind() {
        for kind in SectionKind::ALL {
            let review = example_review(kind, "The panel met twice.");
            let document = ingest::from_text(Path::new("x"), review);
            let offset = document.text.find("The panel").unwrap();
            assert_eq!(document.section_kind_of(offset), kind.name(), "{kind:?}");
        }
    }

    #[test]
    fn the_bundled_pack_passes_its_own_examples() {
        let pack = lessons_rules::bundled_pack().unwrap();
        let outcome = run_pack(&pack);
        let failures: Vec<_> = outcome.failures().collect();
        assert!(failures.is_empty(), "{failures:#?}");
        assert!(outcome.examples.len() >= 2 * pack.rules.len());
    }

    #[test]
    fn a_rule_that_misses_its_positive_example_is_a_failure_naming_it() {
        let dir = std::env::temp_dir().join(format!("lessons-rule-tests-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("broken.toml");
        std::fs::write(
            &path,
            r#"
[pack]
id = "broken"
[[metric]]
id = "broken_blame"
[[rule]]
id = "blame"
metric = "broken_blame"
kind = "existence"
phrases = ["blame"]
positive = ["They blamed the nurse."]
negative = ["Nobody was at fault."]
"#,
        )
        .unwrap();
        let outcome = run_file(&path).unwrap();
        let failures: Vec<_> = outcome.failures().collect();
        assert_eq!(failures.len(), 1, "{failures:#?}");
        assert_eq!(failures[0].rule, "broken.blame");
        assert!(failures[0].positive && failures[0].number == 1);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
