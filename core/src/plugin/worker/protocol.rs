//! The worker protocol: length-prefixed frames over a pair of pipes. Each
//! frame is a 4-byte little-endian length, a one-byte tag, then the payload.
//!
//! The conversation:
//! 1. worker → host: `Loaded` (JSON [`PluginSummary`]) once the library passed
//!    the handshake, or `Refused` (JSON) and the worker exits;
//! 2. host → worker: `Create` (JSON: the plugin's settings and limits), or the
//!    host closes the pipe (the plugin is disabled, pinned to another hash, or
//!    a duplicate), so that no plugin code runs that the host did not want;
//! 3. worker → host: `Hello` (the summary of the created instance) or `Refused`;
//! 4. host → worker: any number of `Score` (a document, in the binary encoding
//!    of [`super::codec`]) or `Shared` (where a document lies in a shared
//!    slot, see [`super::slots`]), each answered by `Scored` (the raw output).
//!
//! The control messages are JSON so that fields can be appended; the frames
//! sent per document are binary because they carry the bulk, or are tiny.

use super::codec::{self, CodecError};
use crate::document::Document;
use crate::plugin::instance::RawOutput;
use crate::plugin::load::PluginSummary;
use serde::{Deserialize, Serialize};
use std::io::{self, Read, Write};

/// The largest frame either side accepts: a 64 MiB review with its structure,
/// or a plugin's capped output, fit well inside it.
pub const MAX_FRAME_BYTES: usize = 512 * 1024 * 1024;

const TAG_CREATE: u8 = b'C';
const TAG_SCORE: u8 = b'S';
const TAG_SHARED: u8 = b'D';
const TAG_LOADED: u8 = b'L';
const TAG_HELLO: u8 = b'H';
const TAG_REFUSED: u8 = b'R';
const TAG_SCORED: u8 = b'O';

/// Why a frame could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ProtocolError {
    #[error("the pipe failed: {0}")]
    Io(#[from] io::Error),
    #[error("a frame of {0} bytes is over the limit")]
    TooLarge(usize),
    #[error("unexpected frame tag {0:#04x}")]
    UnexpectedTag(u8),
    #[error("a control message is not valid JSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error("a document frame is malformed: {0}")]
    Codec(#[from] CodecError),
    #[error("a scored frame is truncated")]
    Truncated,
    #[error("a shared document frame is {0} bytes, not 12")]
    SharedFrame(usize),
}

/// The first request, once the library is loaded: how to create the instance.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Create {
    /// The plugin's settings from `lessons.toml`, handed to its `create`.
    pub settings: serde_json::Value,
    /// CPU seconds allowed per review, on top of what the worker has used.
    pub cpu_seconds: Option<u64>,
}

/// Why the worker could not offer the plugin.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Refusal {
    /// [`crate::plugin::LoadError::kind`] of the refusal in the worker.
    pub kind: String,
    pub message: String,
}

/// Where the host put a document for workers to read in place.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InSlot {
    /// The slot's number: its place in the worker's `--slots` descriptors.
    pub slot: u32,
    /// The document's length from the slot's start.
    pub len: u64,
}

/// A request the worker reads.
pub enum Request {
    Create(Create),
    Score(Box<Document>),
    ScoreShared(InSlot),
}

/// A reply the host reads.
#[derive(Debug)]
pub enum Reply {
    Loaded(PluginSummary),
    Hello(PluginSummary),
    Refused(Refusal),
    Scored(RawOutput),
}

/// Writes a frame without flushing: requests are flushed by the host once
/// for a group, so that the group crosses in one write and wakes the
/// worker once.
fn write_frame(out: &mut dyn Write, tag: u8, payload: &[u8]) -> io::Result<()> {
    let len = u32::try_from(payload.len() + 1)
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "frame over 4 GiB"))?;
    out.write_all(&len.to_le_bytes())?;
    out.write_all(&[tag])?;
    out.write_all(payload)
}

/// Reads one frame; `None` when the other side closed the pipe between frames.
fn read_frame(input: &mut dyn Read) -> Result<Option<(u8, Vec<u8>)>, ProtocolError> {
    let mut len = [0u8; 4];
    match input.read_exact(&mut len) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(None),
        Err(e) => return Err(e.into()),
    }
    let len = u32::from_le_bytes(len) as usize;
    if len == 0 || len > MAX_FRAME_BYTES {
        return Err(ProtocolError::TooLarge(len));
    }
    let mut tag = [0u8; 1];
    input.read_exact(&mut tag)?;
    // The payload is read into its own buffer, not shifted down after the
    // tag: a document frame is the size of the review.
    let mut payload = vec![0u8; len - 1];
    input.read_exact(&mut payload)?;
    Ok(Some((tag[0], payload)))
}

/// Host side: asks the worker to create the plugin's instance.
pub fn send_create(out: &mut dyn Write, create: &Create) -> io::Result<()> {
    write_frame(out, TAG_CREATE, &serde_json::to_vec(create)?)
}

/// Host side: asks the worker to score one document, encoded by
/// [`codec::encode`].
pub fn send_score(out: &mut dyn Write, encoded: &[u8]) -> io::Result<()> {
    write_frame(out, TAG_SCORE, encoded)
}

/// Host side: asks the worker to score the document in a shared slot.
pub fn send_score_shared(out: &mut dyn Write, place: InSlot) -> io::Result<()> {
    let mut payload = [0u8; 12];
    payload[..4].copy_from_slice(&place.slot.to_le_bytes());
    payload[4..].copy_from_slice(&place.len.to_le_bytes());
    write_frame(out, TAG_SHARED, &payload)
}

fn decode_shared(payload: &[u8]) -> Result<InSlot, ProtocolError> {
    let Ok(bytes) = <[u8; 12]>::try_from(payload) else {
        return Err(ProtocolError::SharedFrame(payload.len()));
    };
    let (slot, len) = bytes.split_at(4);
    Ok(InSlot {
        slot: u32::from_le_bytes(slot.try_into().expect("4 bytes")),
        len: u64::from_le_bytes(len.try_into().expect("8 bytes")),
    })
}

/// Worker side: the next request, or `None` when the host has finished.
pub fn read_request(input: &mut dyn Read) -> Result<Option<Request>, ProtocolError> {
    let Some((tag, payload)) = read_frame(input)? else {
        return Ok(None);
    };
    match tag {
        TAG_CREATE => Ok(Some(Request::Create(serde_json::from_slice(&payload)?))),
        TAG_SCORE => Ok(Some(Request::Score(Box::new(codec::decode(payload)?)))),
        TAG_SHARED => Ok(Some(Request::ScoreShared(decode_shared(&payload)?))),
        other => Err(ProtocolError::UnexpectedTag(other)),
    }
}

/// Worker side: answers a request, flushed at once: the host learns which
/// review a worker died on from the replies that came before.
pub fn send_reply(out: &mut dyn Write, reply: &Reply) -> io::Result<()> {
    match reply {
        Reply::Loaded(summary) => write_frame(out, TAG_LOADED, &serde_json::to_vec(summary)?)?,
        Reply::Hello(summary) => write_frame(out, TAG_HELLO, &serde_json::to_vec(summary)?)?,
        Reply::Refused(refusal) => write_frame(out, TAG_REFUSED, &serde_json::to_vec(refusal)?)?,
        Reply::Scored(raw) => write_scored(out, raw)?,
    }
    out.flush()
}

/// A `Scored` frame, written piece by piece into the buffer rather than
/// gathered into a payload first: the output is most of it.
fn write_scored(out: &mut dyn Write, raw: &RawOutput) -> io::Result<()> {
    let error_len = u32::try_from(raw.error.len())
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "error over 4 GiB"))?;
    let payload_len = 9 + raw.error.len() + raw.output.len();
    let len = u32::try_from(payload_len + 1)
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "frame over 4 GiB"))?;
    out.write_all(&len.to_le_bytes())?;
    out.write_all(&[TAG_SCORED])?;
    out.write_all(&raw.status.to_le_bytes())?;
    out.write_all(&[u8::from(raw.overflowed)])?;
    out.write_all(&error_len.to_le_bytes())?;
    out.write_all(raw.error.as_bytes())?;
    out.write_all(&raw.output)
}

/// Host side: the worker's next reply, or `None` when it closed the pipe.
pub fn read_reply(input: &mut dyn Read) -> Result<Option<Reply>, ProtocolError> {
    let Some((tag, payload)) = read_frame(input)? else {
        return Ok(None);
    };
    match tag {
        TAG_LOADED => Ok(Some(Reply::Loaded(serde_json::from_slice(&payload)?))),
        TAG_HELLO => Ok(Some(Reply::Hello(serde_json::from_slice(&payload)?))),
        TAG_REFUSED => Ok(Some(Reply::Refused(serde_json::from_slice(&payload)?))),
        TAG_SCORED => decode_scored(&payload).map(|raw| Some(Reply::Scored(raw))),
        other => Err(ProtocolError::UnexpectedTag(other)),
    }
}

fn decode_scored(payload: &[u8]) -> Result<RawOutput, ProtocolError> {
    let header = payload.get(..9).ok_or(ProtocolError::Truncated)?;
    let status = u32::from_le_bytes(header[..4].try_into().expect("4 bytes"));
    let overflowed = header[4] != 0;
    let error_len = u32::from_le_bytes(header[5..9].try_into().expect("4 bytes")) as usize;
    let error = payload
        .get(9..9 + error_len)
        .ok_or(ProtocolError::Truncated)?;
    Ok(RawOutput {
        status,
        overflowed,
        error: String::from_utf8_lossy(error).into_owned(),
        output: payload[9 + error_len..].to_vec(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scored_reply_survives_the_round_trip() {
        let raw = RawOutput {
            status: 2,
            overflowed: false,
            error: "no sections".into(),
            output: b"{\"scores\":{}}".to_vec(),
        };
        let mut pipe = Vec::new();
        send_reply(&mut pipe, &Reply::Scored(raw.clone())).unwrap();
        let Some(Reply::Scored(back)) = read_reply(&mut pipe.as_slice()).unwrap() else {
            panic!("a scored reply");
        };
        assert_eq!(back, raw);
    }

    #[test]
    fn requests_wait_for_the_callers_flush_and_a_reply_goes_at_once() {
        let place = InSlot { slot: 0, len: 64 };
        let mut requests = io::BufWriter::new(Vec::new());
        send_score_shared(&mut requests, place).unwrap();
        send_score_shared(&mut requests, place).unwrap();
        assert!(requests.get_ref().is_empty(), "a group's requests wait");
        requests.flush().unwrap();
        let mut sent = requests.get_ref().as_slice();
        for _ in 0..2 {
            assert!(matches!(
                read_request(&mut sent).unwrap(),
                Some(Request::ScoreShared(back)) if back == place
            ));
        }

        let mut replies = io::BufWriter::new(Vec::new());
        let raw = RawOutput {
            status: 0,
            overflowed: true,
            error: String::new(),
            output: b"{}".to_vec(),
        };
        send_reply(&mut replies, &Reply::Scored(raw.clone())).unwrap();
        let Some(Reply::Scored(back)) = read_reply(&mut replies.get_ref().as_slice()).unwrap()
        else {
            panic!("the reply reached the pipe without another flush");
        };
        assert_eq!(back, raw);
    }

    #[test]
    fn a_shared_document_frame_survives_the_round_trip_and_must_be_whole() {
        let place = InSlot {
            slot: 3,
            len: 5 << 32,
        };
        let mut pipe = Vec::new();
        send_score_shared(&mut pipe, place).unwrap();
        let Some(Request::ScoreShared(back)) = read_request(&mut pipe.as_slice()).unwrap() else {
            panic!("a shared score request");
        };
        assert_eq!(back, place);
        let mut short = Vec::new();
        write_frame(&mut short, TAG_SHARED, &[0; 11]).unwrap();
        assert!(matches!(
            read_request(&mut short.as_slice()),
            Err(ProtocolError::SharedFrame(11))
        ));
    }

    #[test]
    fn a_closed_pipe_between_frames_is_the_end_not_an_error() {
        assert!(read_reply(&mut [].as_slice()).unwrap().is_none());
    }

    #[test]
    fn a_frame_cut_short_is_an_error() {
        let mut pipe = Vec::new();
        send_create(
            &mut pipe,
            &Create {
                settings: serde_json::json!({}),
                cpu_seconds: None,
            },
        )
        .unwrap();
        pipe.truncate(pipe.len() - 2);
        assert!(read_request(&mut pipe.as_slice()).is_err());
    }

    #[test]
    fn a_frame_over_the_limit_is_refused_before_reading_it() {
        let pipe = u32::MAX.to_le_bytes();
        assert!(matches!(
            read_reply(&mut pipe.as_slice()),
            Err(ProtocolError::TooLarge(_))
        ));
    }
}
