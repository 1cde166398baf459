//! The `extern "C"` shims that [`crate::export_scorer!`] wires up: they turn
//! raw ABI calls into safe [`Scorer`] calls, and every panic into a status
//! code, because a panic that reaches an `extern "C"` boundary aborts the host.

use crate::abi::{self, DocumentView, HostInfo, MetricDecl, PluginDescriptor, Sink, StrRef};
use crate::{Document, Scorer};
use std::ffi::c_void;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::OnceLock;

/// A descriptor plus the strings and metric table it points into, built once
/// and kept for the life of the process.
pub struct StaticDescriptor {
    descriptor: PluginDescriptor,
    _strings: Vec<String>,
    _metrics: Vec<MetricDecl>,
}

/// The body of `lessons_plugin_entry`: refuses a host of another ABI major,
/// otherwise returns the descriptor.
///
/// # Safety
/// `host` is null or points to a valid `HostInfo`.
pub unsafe fn entry<S: Scorer>(
    host: *const HostInfo,
    cell: &'static OnceLock<StaticDescriptor>,
) -> *const PluginDescriptor {
    // SAFETY: the host passes null or a valid HostInfo.
    if let Some(host) = unsafe { host.as_ref() }
        && host.abi_major != abi::ABI_MAJOR
    {
        return std::ptr::null();
    }
    let built = catch_unwind(|| &cell.get_or_init(build_descriptor::<S>).descriptor as *const _);
    built.unwrap_or(std::ptr::null())
}

fn build_descriptor<S: Scorer>() -> StaticDescriptor {
    let metrics = S::metrics();
    let mut strings: Vec<String> = vec![
        S::NAME.to_string(),
        S::VERSION.to_string(),
        env!("CARGO_PKG_VERSION").to_string(),
        S::DESCRIPTION.to_string(),
    ];
    for metric in &metrics {
        strings.push(metric.id.clone());
        strings.push(metric.description.clone());
    }
    // The Strings' heap buffers do not move when the Vec that owns them does,
    // so the StrRefs below stay valid for as long as `strings` lives.
    let decls: Vec<MetricDecl> = metrics
        .iter()
        .enumerate()
        .map(|(i, m)| MetricDecl {
            id: StrRef::new(&strings[4 + 2 * i]),
            min: m.min,
            max: m.max,
            description: StrRef::new(&strings[5 + 2 * i]),
        })
        .collect();
    let mut flags = abi::FLAG_THREAD_SAFE;
    if cfg!(panic = "unwind") {
        flags |= abi::FLAG_PANIC_UNWIND;
    }
    let descriptor = PluginDescriptor {
        magic: abi::MAGIC,
        abi_major: abi::ABI_MAJOR,
        abi_minor: abi::ABI_MINOR,
        struct_size: std::mem::size_of::<PluginDescriptor>() as u32,
        flags,
        name: StrRef::new(&strings[0]),
        version: StrRef::new(&strings[1]),
        sdk_version: StrRef::new(&strings[2]),
        description: StrRef::new(&strings[3]),
        metrics: decls.as_ptr(),
        metrics_len: decls.len(),
        create: Some(create::<S>),
        score: Some(score::<S>),
        destroy: Some(destroy::<S>),
        instance_metrics: Some(instance_metrics::<S>),
    };
    StaticDescriptor {
        descriptor,
        _strings: strings,
        _metrics: decls,
    }
}

/// Writes bytes to a host sink; returns the sink's status.
/// Encodes `value` as JSON into `out`; what went wrong, naming `what`, into
/// `err`.
fn respond<T: serde::Serialize>(value: &T, what: &str, out: Sink, err: Sink) -> u32 {
    let json = match serde_json::to_vec(value) {
        Ok(j) => j,
        Err(e) => {
            write(err, format!("could not encode the {what}: {e}").as_bytes());
            return abi::STATUS_PLUGIN_ERROR;
        }
    };
    if write(out, &json) != abi::STATUS_OK {
        return abi::STATUS_OUTPUT_TOO_LARGE;
    }
    abi::STATUS_OK
}

fn write(sink: Sink, bytes: &[u8]) -> u32 {
    match sink.write {
        // SAFETY: the host's sink takes (ctx, ptr, len) for the call's duration.
        Some(write) => unsafe { write(sink.ctx, bytes.as_ptr(), bytes.len()) },
        None => abi::STATUS_OK,
    }
}

/// Runs `f`, turning a panic into `STATUS_PANIC` with its message in `err`.
fn guarded(err: Sink, f: impl FnOnce() -> u32) -> u32 {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(status) => status,
        Err(payload) => {
            let message = panic_message(&payload);
            // A payload whose Drop panics would escape: drop it under a guard too.
            let _ = catch_unwind(AssertUnwindSafe(move || drop(payload)));
            write(err, format!("the plugin panicked: {message}").as_bytes());
            abi::STATUS_PANIC
        }
    }
}

fn panic_message(payload: &Box<dyn std::any::Any + Send>) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        return (*s).to_string();
    }
    if let Some(s) = payload.downcast_ref::<String>() {
        return s.clone();
    }
    "(no message)".to_string()
}

unsafe extern "C" fn create<S: Scorer>(
    settings_json: StrRef,
    instance_out: *mut *mut c_void,
    err: Sink,
) -> u32 {
    guarded(err, || {
        // SAFETY: the host passes a valid settings string for this call.
        let bytes = unsafe { settings_json.as_bytes() };
        let settings: serde_json::Value = if bytes.is_empty() {
            serde_json::Value::Object(Default::default())
        } else {
            match serde_json::from_slice(bytes) {
                Ok(v) => v,
                Err(e) => {
                    write(err, format!("settings are not valid JSON: {e}").as_bytes());
                    return abi::STATUS_INVALID_INPUT;
                }
            }
        };
        match S::new(&settings) {
            Ok(instance) => {
                let boxed = Box::into_raw(Box::new(instance)) as *mut c_void;
                // SAFETY: the host passes a writable out-pointer.
                unsafe { *instance_out = boxed };
                abi::STATUS_OK
            }
            Err(e) => {
                write(err, e.message.as_bytes());
                abi::STATUS_PLUGIN_ERROR
            }
        }
    })
}

unsafe extern "C" fn score<S: Scorer>(
    instance: *mut c_void,
    document: *const DocumentView,
    out: Sink,
    err: Sink,
) -> u32 {
    guarded(err, || {
        if instance.is_null() {
            write(err, b"null instance");
            return abi::STATUS_INVALID_INPUT;
        }
        // SAFETY: `instance` came from our own `create` and is not yet destroyed.
        let scorer = unsafe { &*(instance as *const S) };
        // SAFETY: the host passes a valid view for the call's duration.
        let document = match unsafe { Document::from_view(document) } {
            Ok(d) => d,
            Err(e) => {
                write(err, e.as_bytes());
                return abi::STATUS_INVALID_INPUT;
            }
        };
        let report = match scorer.score(&document) {
            Ok(r) => r,
            Err(e) => {
                write(err, e.message.as_bytes());
                return abi::STATUS_PLUGIN_ERROR;
            }
        };
        respond(&report, "report", out, err)
    })
}

unsafe extern "C" fn destroy<S: Scorer>(instance: *mut c_void) {
    if instance.is_null() {
        return;
    }
    let _ = catch_unwind(AssertUnwindSafe(|| {
        // SAFETY: `instance` came from our own `create`, and the host destroys once.
        drop(unsafe { Box::from_raw(instance as *mut S) });
    }));
}

unsafe extern "C" fn instance_metrics<S: Scorer>(
    instance: *mut c_void,
    out: Sink,
    err: Sink,
) -> u32 {
    guarded(err, || {
        if instance.is_null() {
            write(err, b"null instance");
            return abi::STATUS_INVALID_INPUT;
        }
        // SAFETY: `instance` came from our own `create` and is not yet destroyed.
        let scorer = unsafe { &*(instance as *const S) };
        respond(&scorer.instance_metrics(), "metrics", out, err)
    })
}
