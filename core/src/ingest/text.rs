//! Plain text and Markdown: bytes to a UTF-8 string, with a byte-order mark
//! removed and line endings normalised.

/// Decodes a text file. UTF-8 (with or without a BOM) is read as is.
pub fn decode(bytes: &[u8]) -> Result<String, String> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes)
        .map_err(|e| format!("the text is not UTF-8 ({e}); save it as UTF-8 and try again"))?;
    Ok(text.replace("\r\n", "\n"))
}
