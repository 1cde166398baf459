//! Zip containers (.docx, .odt), opened with limits: an entry that would
//! unpack past the size cap, or that compresses suspiciously well (a zip
//! bomb), is refused before it is read, and the read itself stops at the
//! cap in case the sizes in the archive lie.

use super::{Fault, Limits};
use std::io::{Cursor, Read};
use zip::ZipArchive;
use zip::result::ZipError;

/// An opened office archive.
pub struct Archive<'a> {
    zip: ZipArchive<Cursor<&'a [u8]>>,
    limits: Limits,
}

impl<'a> Archive<'a> {
    /// Opens the bytes as a zip; anything else is the wrong kind of file.
    pub fn open(bytes: &'a [u8], limits: &Limits, format: &'static str) -> Result<Self, Fault> {
        let zip = ZipArchive::new(Cursor::new(bytes)).map_err(|e| match e {
            ZipError::InvalidArchive(_) if !bytes.starts_with(b"PK") => Fault::NotAnArchive(format),
            other => Fault::Corrupt(format!("the {format} archive is damaged ({other})")),
        })?;
        Ok(Archive {
            zip,
            limits: *limits,
        })
    }

    /// The text of one entry, or `None` if the archive has no such entry.
    pub fn text(&mut self, name: &str) -> Result<Option<String>, Fault> {
        let mut entry = match self.zip.by_name(name) {
            Ok(entry) => entry,
            Err(ZipError::FileNotFound) => return Ok(None),
            Err(e) => return Err(Fault::Corrupt(format!("cannot open {name} ({e})"))),
        };
        let declared = entry.size();
        let packed = entry.compressed_size().max(1);
        let max = self.limits.max_unpacked_bytes;
        if declared > max {
            return Err(Fault::ZipBomb(format!(
                "{name} would unpack to {declared} bytes, over the {max}-byte limit"
            )));
        }
        if declared / packed > self.limits.max_unpack_ratio && declared > 1024 * 1024 {
            return Err(Fault::ZipBomb(format!(
                "{name} is compressed {}:1, far past any real document",
                declared / packed
            )));
        }
        let mut unpacked = Vec::new();
        (&mut entry)
            .take(max + 1)
            .read_to_end(&mut unpacked)
            .map_err(|e| Fault::Corrupt(format!("cannot unpack {name} ({e})")))?;
        if unpacked.len() as u64 > max {
            return Err(Fault::ZipBomb(format!(
                "{name} unpacks past the {max}-byte limit, though the archive says it is smaller"
            )));
        }
        String::from_utf8(unpacked)
            .map(Some)
            .map_err(|_| Fault::Corrupt(format!("{name} is not UTF-8 XML")))
    }
}
