//! How each metric is shown to a reader: its name, a short label that stands
//! in for colour (so that a page printed in greyscale or read aloud still
//! says which function a passage serves), its colour and its underline.
//! The colours are the Okabe–Ito set, told apart by the common forms of
//! colour blindness.

/// The presentation of one metric.
#[derive(Clone, Debug, PartialEq)]
pub struct Look {
    pub name: String,
    pub label: String,
    pub colour: &'static str,
    /// A light tint of the colour, behind highlighted text.
    pub tint: &'static str,
    /// The CSS underline style, a second cue beside the colour.
    pub underline: &'static str,
    /// Whether the metric counts towards real learning or is noise.
    pub learning: bool,
}

/// The presentation of `metric`; metrics a plugin adds get grey and their initials.
pub fn look(metric: &str) -> Look {
    let (name, label, colour, tint, underline, learning) = match metric {
        "handwringing" => ("hand-wringing", "HW", "#E69F00", "#FCE9C2", "wavy", false),
        "finger_pointing" => (
            "finger-pointing",
            "FP",
            "#D55E00",
            "#F8D3BC",
            "double",
            false,
        ),
        "procedural_flaws" => (
            "procedural flaws",
            "PF",
            "#0072B2",
            "#C6E2F3",
            "solid",
            true,
        ),
        "acting_on_negligence" => (
            "acting on negligence",
            "AN",
            "#009E73",
            "#C4ECDF",
            "solid",
            true,
        ),
        "new_lessons" => ("new lessons", "NL", "#CC79A7", "#F3DCEA", "solid", true),
        "hindsight" => ("hindsight", "HS", "#56B4E9", "#DCEFFB", "dotted", false),
        other => {
            return Look {
                name: other.replace('_', " "),
                label: initials(other),
                colour: "#666666",
                tint: "#E6E6E6",
                underline: "dashed",
                learning: true,
            };
        }
    };
    Look {
        name: name.into(),
        label: label.into(),
        colour,
        tint,
        underline,
        learning,
    }
}

/// "analysis_explains_why" → "AEW".
fn initials(metric: &str) -> String {
    metric
        .split(['_', '-', '.'])
        .filter_map(|w| w.chars().next())
        .flat_map(char::to_uppercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_fixed_metric_has_its_own_label_and_colour() {
        let looks: Vec<Look> = crate::config::FUNCTIONS.iter().map(|m| look(m)).collect();
        for (i, a) in looks.iter().enumerate() {
            for b in &looks[i + 1..] {
                assert_ne!(a.label, b.label);
                assert_ne!(a.colour, b.colour);
            }
        }
    }

    #[test]
    fn a_plugin_metric_is_labelled_by_its_initials() {
        assert_eq!(look("analysis_explains_why").label, "AEW");
        assert_eq!(look("analysis_explains_why").name, "analysis explains why");
    }
}
