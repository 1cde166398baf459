//! Calling a loaded plugin: one instance per plugin per run, created with the
//! plugin's settings, scoring documents through host-owned output buffers.

use super::load::{LoadError, MetricInfo, Plugin, PluginSummary, check_metrics};
use super::validate::{self, Validated};
use crate::document::Document;
use lessons_plugin::abi::{self, DocumentView, Sink, StrRef};
use std::ffi::c_void;
use std::sync::{Arc, Mutex};

/// The most bytes a plugin may write for one document.
pub const MAX_OUTPUT_BYTES: usize = 4 * 1024 * 1024;
/// The most bytes of an error message kept.
const MAX_ERROR_BYTES: usize = 16 * 1024;
/// The most bytes of an instance's metric list (ABI 1.1).
const MAX_METRICS_BYTES: usize = 1024 * 1024;

/// Why one (document, plugin) pair has no result. The batch goes on.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{kind}: {message}")]
pub struct ScoreError {
    /// `panic`, `plugin_error`, `invalid_input`, `output_too_large`,
    /// `invalid_utf8`, `invalid_json`, `undeclared_metric`, `not_finite`,
    /// `out_of_range`, `bad_span`, `too_much_evidence`, `crash`, `timeout`, …
    pub kind: String,
    pub message: String,
}

impl ScoreError {
    pub fn new(kind: &str, message: impl Into<String>) -> ScoreError {
        ScoreError {
            kind: kind.to_string(),
            message: message.into(),
        }
    }
}

/// A host-owned buffer behind a [`Sink`], with a cap.
struct Buffer {
    bytes: Vec<u8>,
    cap: usize,
    overflowed: bool,
}

impl Buffer {
    fn new(cap: usize) -> Buffer {
        Buffer {
            bytes: Vec::new(),
            cap,
            overflowed: false,
        }
    }

    fn sink(&mut self) -> Sink {
        Sink {
            ctx: self as *mut Buffer as *mut c_void,
            write: Some(write_to_buffer),
        }
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.bytes).trim().to_string()
    }
}

/// The host's sink function: appends while under the cap.
unsafe extern "C" fn write_to_buffer(ctx: *mut c_void, bytes: *const u8, len: usize) -> u32 {
    if ctx.is_null() || (bytes.is_null() && len > 0) {
        return 1;
    }
    // SAFETY: ctx is the &mut Buffer we handed out for this call only.
    let buffer = unsafe { &mut *(ctx as *mut Buffer) };
    if buffer.overflowed || buffer.bytes.len().saturating_add(len) > buffer.cap {
        buffer.overflowed = true;
        return 1;
    }
    if len > 0 {
        // SAFETY: the plugin passes `len` readable bytes.
        buffer
            .bytes
            .extend_from_slice(unsafe { std::slice::from_raw_parts(bytes, len) });
    }
    0
}

/// One plugin instance for the run.
pub struct Instance {
    pub plugin: Arc<Plugin>,
    /// What this instance scores: the plugin's static metrics, or, for an
    /// ABI 1.1 plugin, the metrics it declared once created. Results are
    /// validated against these.
    pub metrics: Vec<MetricInfo>,
    handle: *mut c_void,
    /// Held around `score` when the plugin is not thread-safe.
    serial: Option<Mutex<()>>,
}

// SAFETY: the handle is only used through `score`, which either the plugin
// declared thread-safe (FLAG_THREAD_SAFE) or is serialised by `serial`.
unsafe impl Send for Instance {}
unsafe impl Sync for Instance {}

impl Instance {
    /// Creates an instance with the plugin's settings (a JSON object).
    pub fn create(
        plugin: Arc<Plugin>,
        settings: &serde_json::Value,
    ) -> Result<Instance, LoadError> {
        let settings = settings.to_string();
        let mut err = Buffer::new(MAX_ERROR_BYTES);
        let mut handle: *mut c_void = std::ptr::null_mut();
        // SAFETY: arguments are valid for the call; the plugin writes `handle`.
        let status = unsafe { (plugin.create)(StrRef::new(&settings), &mut handle, err.sink()) };
        if status != abi::STATUS_OK {
            return Err(LoadError::CreateFailed {
                path: plugin.path.clone(),
                name: plugin.name.clone(),
                status: status_name(status).to_string(),
                message: err.text(),
            });
        }
        let serial = (!plugin.thread_safe()).then(|| Mutex::new(()));
        let mut instance = Instance {
            metrics: plugin.metrics.clone(),
            plugin,
            handle,
            serial,
        };
        // On error the instance drops here, so `destroy` still runs.
        if let Some(metrics) = instance.declared_metrics()? {
            instance.metrics = metrics;
        }
        Ok(instance)
    }

    /// ABI 1.1: asks the instance for its own metrics, when the plugin
    /// provides `instance_metrics`; `None` keeps the static ones.
    fn declared_metrics(&self) -> Result<Option<Vec<MetricInfo>>, LoadError> {
        let Some(instance_metrics) = self.plugin.instance_metrics else {
            return Ok(None);
        };
        let bad = |reason: String| LoadError::BadMetrics {
            path: self.plugin.path.clone(),
            reason: format!("the instance's metrics: {reason}"),
        };
        let mut out = Buffer::new(MAX_METRICS_BYTES);
        let mut err = Buffer::new(MAX_ERROR_BYTES);
        // SAFETY: the handle came from `create`; the sinks live for the call.
        let status = unsafe { instance_metrics(self.handle, out.sink(), err.sink()) };
        if status != abi::STATUS_OK || out.overflowed {
            return Err(bad(format!("{} {}", status_name(status), err.text())));
        }
        let metrics: Vec<MetricInfo> = serde_json::from_slice(&out.bytes)
            .map_err(|e| bad(format!("not a JSON list of {{id, min, max}}: {e}")))?;
        check_metrics(metrics).map(Some).map_err(bad)
    }

    /// The plugin as the rest of the host sees it, with this instance's
    /// metrics: what a worker reports in its `Hello`.
    pub fn summary(&self) -> PluginSummary {
        PluginSummary {
            metrics: self.metrics.clone(),
            ..self.plugin.summary()
        }
    }

    /// Scores one document and validates the result.
    pub fn score(&self, document: &Document) -> Result<Validated, ScoreError> {
        let raw = self.call(document);
        interpret(raw, &self.metrics, document)
    }

    /// Calls the plugin's `score` and keeps what it wrote, unchecked. A
    /// worker process sends this back to the host, which interprets it.
    pub fn call(&self, document: &Document) -> RawOutput {
        // SAFETY: the view borrows `document`, alive for the whole call.
        unsafe { self.call_view(&document.view()) }
    }

    /// Calls the plugin's `score` on a view of a document, wherever its
    /// arrays lie (a worker's views point into shared memory).
    ///
    /// # Safety
    /// The view's strings and arrays must be valid, and unchanged, for the
    /// whole call, as those of [`Document::view`] are.
    pub unsafe fn call_view(&self, view: &DocumentView) -> RawOutput {
        let mut out = Buffer::new(MAX_OUTPUT_BYTES);
        let mut err = Buffer::new(MAX_ERROR_BYTES);
        let status = {
            let _turn = self
                .serial
                .as_ref()
                .map(|m| m.lock().unwrap_or_else(|p| p.into_inner()));
            // SAFETY: the handle came from `create`; the view and sinks live
            // for the whole call.
            unsafe { (self.plugin.score)(self.handle, view, out.sink(), err.sink()) }
        };
        RawOutput {
            status,
            overflowed: out.overflowed,
            error: err.text(),
            output: out.bytes,
        }
    }
}

/// What a plugin's `score` wrote for one document, before any check.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RawOutput {
    pub status: u32,
    /// The plugin tried to write more than [`MAX_OUTPUT_BYTES`].
    pub overflowed: bool,
    pub error: String,
    pub output: Vec<u8>,
}

/// Turns a raw output into a validated result or the reason there is none.
/// The same function serves in-process and worker runs, so both give the
/// same scores.
pub fn interpret(
    raw: RawOutput,
    metrics: &[MetricInfo],
    document: &Document,
) -> Result<Validated, ScoreError> {
    if raw.overflowed || raw.status == abi::STATUS_OUTPUT_TOO_LARGE {
        return Err(ScoreError::new(
            "output_too_large",
            format!("the plugin wrote more than {MAX_OUTPUT_BYTES} bytes for one review"),
        ));
    }
    if raw.status != abi::STATUS_OK {
        return Err(ScoreError::new(status_name(raw.status), raw.error));
    }
    validate::report(metrics, document, &raw.output)
}

impl Drop for Instance {
    fn drop(&mut self) {
        // SAFETY: the handle came from this plugin's `create` and is destroyed once.
        unsafe { (self.plugin.destroy)(self.handle) };
    }
}

/// A status code's name, for messages.
pub fn status_name(status: u32) -> &'static str {
    match status {
        abi::STATUS_OK => "ok",
        abi::STATUS_INVALID_INPUT => "invalid_input",
        abi::STATUS_PLUGIN_ERROR => "plugin_error",
        abi::STATUS_PANIC => "panic",
        abi::STATUS_OUTPUT_TOO_LARGE => "output_too_large",
        _ => "unknown_status",
    }
}
