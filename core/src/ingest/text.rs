//! Bytes to text, with the encoding detected rather than assumed: a byte-order
//! mark names UTF-8 or UTF-16; otherwise text that is valid UTF-8 is UTF-8,
//! and anything else is read as Windows-1252, the usual encoding of older
//! local-authority files (every byte sequence is valid in it, so this never
//! fails). Line endings are normalised to `\n`.

use encoding_rs::{Encoding, UTF_8, WINDOWS_1252};

/// The text of `bytes`, and the name of the encoding it was read as.
pub fn decode(bytes: &[u8]) -> (String, &'static str) {
    decode_with_default(bytes, None)
}

/// As [`decode`], but a file that declares its encoding (an HTML `<meta
/// charset>`) is read in that encoding unless a byte-order mark says
/// otherwise.
pub fn decode_with_default(
    bytes: &[u8],
    declared: Option<&'static Encoding>,
) -> (String, &'static str) {
    let encoding = match Encoding::for_bom(bytes) {
        Some((encoding, _)) => encoding,
        None => declared.unwrap_or_else(|| {
            if std::str::from_utf8(bytes).is_ok() {
                UTF_8
            } else {
                WINDOWS_1252
            }
        }),
    };
    // `decode` sniffs and removes the BOM itself.
    let (text, used, _) = encoding.decode(bytes);
    (normalise_line_endings(&text), used.name())
}

fn normalise_line_endings(text: &str) -> String {
    if text.contains('\r') {
        text.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        text.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_with_and_without_a_bom() {
        assert_eq!(decode("Café\r\n".as_bytes()), ("Café\n".into(), "UTF-8"));
        assert_eq!(decode(b"\xEF\xBB\xBFCaf\xC3\xA9"), ("Café".into(), "UTF-8"));
    }

    #[test]
    fn utf16_with_a_bom_either_way_round() {
        let little: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("Child’s".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        let big: Vec<u8> = [0xFE, 0xFF]
            .into_iter()
            .chain("Child’s".encode_utf16().flat_map(u16::to_be_bytes))
            .collect();
        assert_eq!(decode(&little), ("Child’s".into(), "UTF-16LE"));
        assert_eq!(decode(&big), ("Child’s".into(), "UTF-16BE"));
    }

    #[test]
    fn invalid_utf8_is_read_as_windows_1252() {
        // 0x92 is the curly apostrophe and 0xA3 the pound sign in Windows-1252.
        assert_eq!(
            decode(b"the child\x92s \xA3200"),
            ("the child’s £200".into(), "windows-1252")
        );
    }
}
