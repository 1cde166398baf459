//! Small helpers over quick-xml shared by the Word and ODF readers.

use super::Fault;
use quick_xml::events::{BytesRef, BytesStart};

/// An attribute's value by its qualified name (`w:val`), unescaped.
pub fn attribute(element: &BytesStart<'_>, name: &str) -> Option<String> {
    element
        .try_get_attribute(name)
        .ok()
        .flatten()
        .and_then(|a| {
            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .ok()
                .map(|v| v.into_owned())
        })
}

/// The text an entity or character reference stands for.
pub fn reference(reference: &BytesRef<'_>) -> String {
    if let Ok(Some(c)) = reference.resolve_char_ref() {
        return c.to_string();
    }
    let name = reference.xml10_content();
    quick_xml::escape::unescape(&format!("&{name};"))
        .map(|s| s.into_owned())
        .unwrap_or_default()
}

/// A parse error in an entry of an office archive.
pub fn malformed(entry: &str, error: impl std::fmt::Display) -> Fault {
    Fault::Corrupt(format!("{entry} is not well-formed XML ({error})"))
}
