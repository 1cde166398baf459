//! The C ABI: every type and constant that crosses the boundary between the
//! host and a plugin. Only `#[repr(C)]` structs, integers, floats and
//! `extern "C"` function pointers live here; no Rust-only type crosses.
//!
//! Versioning: the frozen prefix of [`PluginDescriptor`] (magic, ABI major,
//! ABI minor, struct size) never changes. Within one ABI major, fields are only
//! ever appended, and the minor is bumped; a host reads only the fields it
//! knows, and `struct_size` tells it how many the plugin has. Any other change
//! is a new major, which hosts refuse by name.
//!
//! History of major 1:
//! - 1.0: the prefix, flags, strings, the static metric table, create/score/destroy.
//! - 1.1: appends [`PluginDescriptor::instance_metrics`], for plugins whose
//!   metrics are only known once `create` has read their settings (rule packs).
//!   A host reads it only when `abi_minor >= 1`, `struct_size` covers it and
//!   it is non-null; otherwise the static table is the instance's metrics.
//! - 1.2: appends [`DocumentView::flags`], whose [`DOCUMENT_TEXT_UTF8`] says
//!   the host checked the text: each plugin need not check it again. A plugin
//!   reads it only when the view's `struct_size` covers it.

use std::ffi::c_void;

/// The one symbol every plugin exports: `lessons_plugin_entry`. Never renamed.
pub const ENTRY_SYMBOL: &str = "lessons_plugin_entry";
/// `b"LESSONS\0"` read as a little-endian `u64`: the first field of every
/// descriptor, so that a library that is not a lessons plugin is refused.
pub const MAGIC: u64 = u64::from_le_bytes(*b"LESSONS\0");
/// Bumped on any incompatible change. A host refuses another major.
pub const ABI_MAJOR: u16 = 1;
/// Bumped when fields are appended. A host accepts any minor of its major.
pub const ABI_MINOR: u16 = 2;

/// Descriptor flag: the plugin was built with `panic = "unwind"`, so its shims
/// can catch a panic. The host refuses to run a plugin in-process without it.
pub const FLAG_PANIC_UNWIND: u64 = 1;
/// Descriptor flag: one instance may score several documents at once.
/// Without it, the host serialises calls to each instance.
pub const FLAG_THREAD_SAFE: u64 = 1 << 1;

/// Status codes returned by `create` and `score`.
pub const STATUS_OK: u32 = 0;
/// The input (settings or document) was not acceptable.
pub const STATUS_INVALID_INPUT: u32 = 1;
/// The plugin failed for a reason of its own; the message is in `err`.
pub const STATUS_PLUGIN_ERROR: u32 = 2;
/// The plugin panicked; the SDK caught it.
pub const STATUS_PANIC: u32 = 3;
/// The output sink refused more bytes (over the host's size cap).
pub const STATUS_OUTPUT_TOO_LARGE: u32 = 4;

/// Section kinds, as `u32` in [`Section::kind`]. Never a Rust enum across the
/// boundary: an out-of-range discriminant would be undefined behaviour.
pub const SECTION_OTHER: u32 = 0;
pub const SECTION_TERMS_OF_REFERENCE: u32 = 1;
pub const SECTION_METHODOLOGY: u32 = 2;
pub const SECTION_CHRONOLOGY: u32 = 3;
pub const SECTION_ANALYSIS: u32 = 4;
pub const SECTION_FINDINGS: u32 = 5;
pub const SECTION_RECOMMENDATIONS: u32 = 6;
pub const SECTION_LEARNING: u32 = 7;
pub const SECTION_BACKGROUND: u32 = 8;
pub const SECTION_CONCLUSION: u32 = 9;

/// Sentence flags, as bits of [`Sentence::flags`].
pub const SENTENCE_HEADING: u32 = 1;
/// The sentence is a list item or starts one.
pub const SENTENCE_LIST_ITEM: u32 = 1 << 1;
/// The sentence belongs to a recommendation item.
pub const SENTENCE_RECOMMENDATION: u32 = 1 << 2;
/// The whole sentence lies inside quoted speech.
pub const SENTENCE_QUOTED: u32 = 1 << 3;

/// A borrowed UTF-8 string: valid only for the duration of the call that
/// passed it, unless the descriptor says otherwise.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct StrRef {
    pub ptr: *const u8,
    pub len: usize,
}

impl StrRef {
    pub const EMPTY: StrRef = StrRef {
        ptr: std::ptr::null(),
        len: 0,
    };

    /// Borrows a Rust string. The caller keeps `s` alive while the `StrRef` is used.
    pub fn new(s: &str) -> StrRef {
        StrRef {
            ptr: s.as_ptr(),
            len: s.len(),
        }
    }

    /// The bytes behind the reference.
    ///
    /// # Safety
    /// `ptr` must be null with `len == 0`, or point to `len` readable bytes
    /// that outlive `'a`.
    pub unsafe fn as_bytes<'a>(self) -> &'a [u8] {
        if self.ptr.is_null() || self.len == 0 {
            return &[];
        }
        // SAFETY: upheld by the caller, as documented.
        unsafe { std::slice::from_raw_parts(self.ptr, self.len) }
    }
}

/// A host-owned, growable byte buffer the plugin writes into. `write` returns
/// 0 when the bytes were taken and non-zero when the host's cap is reached.
/// Whoever allocates frees: the plugin never frees host memory, nor the host
/// plugin memory.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct Sink {
    pub ctx: *mut c_void,
    pub write: Option<unsafe extern "C" fn(ctx: *mut c_void, bytes: *const u8, len: usize) -> u32>,
}

/// What the host tells the plugin about itself when it calls the entry point.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct HostInfo {
    pub struct_size: u32,
    pub abi_major: u16,
    pub abi_minor: u16,
    pub host_version: StrRef,
}

/// A metric a plugin scores, with its range. `id` is one of the fixed keys
/// (`handwringing`, …) or a plugin's own.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct MetricDecl {
    pub id: StrRef,
    pub min: f64,
    pub max: f64,
    pub description: StrRef,
}

/// A byte range `[start, end)` of the document text, on UTF-8 boundaries.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Span {
    pub start: u64,
    pub end: u64,
}

/// A section: its heading line and everything up to the next heading of the
/// same or a higher level.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Section {
    /// The heading text (empty for the untitled opening section).
    pub heading: Span,
    /// From the heading's start to the section's end.
    pub span: Span,
    /// One of the `SECTION_*` constants.
    pub kind: u32,
    /// 1 for a top-level heading, 2 for its subsections, and so on.
    pub level: u32,
}

/// A paragraph: a run of text between blank lines (or a list item).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Paragraph {
    pub span: Span,
    /// Index into the sections array.
    pub section: u32,
}

/// A sentence, with the paragraph and section it lies in.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Sentence {
    pub span: Span,
    pub paragraph: u32,
    pub section: u32,
    /// Bits from the `SENTENCE_*` constants.
    pub flags: u32,
}

/// A numbered or bulleted item: a list item, or a recommendation.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Item {
    pub span: Span,
    pub section: u32,
    /// The item's number as written (`4` for "4." or "Recommendation 4"), 0 if none.
    pub number: u32,
}

/// A page of a paged source (PDF). Empty for plain text.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Page {
    pub span: Span,
    pub number: u32,
}

/// The document, borrowed for one `score` call: the text and the structure the
/// host computed once. Arrays are `(pointer, length)` pairs; a null pointer
/// comes with length 0. All spans are byte offsets into `text`.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct DocumentView {
    pub struct_size: u32,
    pub id: StrRef,
    pub title: StrRef,
    pub text: StrRef,
    pub sections: *const Section,
    pub sections_len: usize,
    pub paragraphs: *const Paragraph,
    pub paragraphs_len: usize,
    pub sentences: *const Sentence,
    pub sentences_len: usize,
    pub quotes: *const Span,
    pub quotes_len: usize,
    pub list_items: *const Item,
    pub list_items_len: usize,
    pub recommendations: *const Item,
    pub recommendations_len: usize,
    pub pages: *const Page,
    pub pages_len: usize,
    /// ABI 1.2: bits from the `DOCUMENT_*` constants.
    pub flags: u64,
}

/// Document flag (ABI 1.2): `id`, `title` and `text` are valid UTF-8, as the
/// host checked when it read the review, so a plugin need not check them
/// again (seven plugins checking every review's text cost about 2% of a
/// batch: issue 8's profile).
pub const DOCUMENT_TEXT_UTF8: u64 = 1;

/// The size of an ABI 1.0 or 1.1 document view: everything before the
/// fields 1.2 appended. A plugin accepts any view at least this big.
pub const DOCUMENT_VIEW_SIZE_1_0: usize = std::mem::offset_of!(DocumentView, flags);

/// `create(settings_json, instance_out, err) -> status`: make an instance from
/// the plugin's settings in `lessons.toml`, as a JSON object.
pub type CreateFn =
    unsafe extern "C" fn(settings_json: StrRef, instance_out: *mut *mut c_void, err: Sink) -> u32;
/// `score(instance, document, out, err) -> status`: write the result JSON to `out`.
pub type ScoreFn = unsafe extern "C" fn(
    instance: *mut c_void,
    document: *const DocumentView,
    out: Sink,
    err: Sink,
) -> u32;
/// `destroy(instance)`: free what `create` made.
pub type DestroyFn = unsafe extern "C" fn(instance: *mut c_void);
/// ABI 1.1. `instance_metrics(instance, out, err) -> status`: write to `out`
/// the metrics this instance scores, as a JSON array of
/// `{"id", "min", "max", "description", "rules"?}` (`rules`: the ids of the
/// rules that can cite evidence for the metric, so that the host can report a
/// rule that matched nothing in a batch). They replace the descriptor's static
/// table for this instance. Called once, right after `create`.
pub type InstanceMetricsFn =
    unsafe extern "C" fn(instance: *mut c_void, out: Sink, err: Sink) -> u32;

/// What the entry point returns: static for the life of the process.
#[repr(C)]
#[derive(Debug)]
pub struct PluginDescriptor {
    // ---- frozen prefix: never changes, in any ABI version ----
    pub magic: u64,
    pub abi_major: u16,
    pub abi_minor: u16,
    /// `size_of::<PluginDescriptor>()` as the plugin was built.
    pub struct_size: u32,
    // ---- ABI 1.0 body: append-only within major 1 ----
    /// Bits from the `FLAG_*` constants.
    pub flags: u64,
    pub name: StrRef,
    pub version: StrRef,
    pub sdk_version: StrRef,
    pub description: StrRef,
    pub metrics: *const MetricDecl,
    pub metrics_len: usize,
    pub create: Option<CreateFn>,
    pub score: Option<ScoreFn>,
    pub destroy: Option<DestroyFn>,
    // ---- ABI 1.1: appended ----
    /// Optional: the instance's own metrics (see [`InstanceMetricsFn`]).
    pub instance_metrics: Option<InstanceMetricsFn>,
}

/// The size of an ABI 1.0 descriptor: everything before the fields 1.1
/// appended. A host accepts any descriptor at least this big.
pub const DESCRIPTOR_SIZE_1_0: usize = std::mem::offset_of!(PluginDescriptor, instance_metrics);
/// The size of an ABI 1.1 descriptor.
pub const DESCRIPTOR_SIZE_1_1: usize = std::mem::size_of::<PluginDescriptor>();

/// The size of the frozen prefix, which a host reads before trusting anything else.
pub const DESCRIPTOR_PREFIX_SIZE: usize = 16;

// SAFETY: a descriptor is immutable static data once returned; the pointers
// in it refer to data that lives as long as the library.
unsafe impl Sync for PluginDescriptor {}
unsafe impl Send for PluginDescriptor {}
unsafe impl Sync for MetricDecl {}
unsafe impl Send for MetricDecl {}

/// The entry point's type: returns null to refuse this host.
pub type EntryFn = unsafe extern "C" fn(host: *const HostInfo) -> *const PluginDescriptor;
