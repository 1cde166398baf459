//! Loading a plugin library: open it, find the entry symbol, and check the
//! descriptor field by field before trusting any of it. Every refusal is a
//! typed [`LoadError`] naming the library and the fix. Libraries are never
//! unloaded: thread-local destructors in plugin code make `dlclose` unsound.

use lessons_plugin::abi::{
    self, CreateFn, DestroyFn, HostInfo, InstanceMetricsFn, MetricDecl, PluginDescriptor, ScoreFn,
    StrRef,
};
use sha2::{Digest, Sha256};
use std::mem::{ManuallyDrop, MaybeUninit};
use std::path::{Path, PathBuf};

/// Why a library was refused.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error(
        "{path}: cannot open the library ({message}); check it was built for this machine and its dependencies are installed"
    )]
    Open { path: PathBuf, message: String },
    #[error("{path}: no `{symbol}` symbol; this is not a lessons plugin (build it with the lessons-plugin SDK's export_scorer! or export the symbol from C)", symbol = abi::ENTRY_SYMBOL)]
    MissingEntry { path: PathBuf },
    #[error(
        "{path}: the entry point returned null, refusing this host (ABI {host_major}.{host_minor}); rebuild the plugin against this version of lessons-plugin"
    )]
    Refused {
        path: PathBuf,
        host_major: u16,
        host_minor: u16,
    },
    #[error("{path}: bad magic {found:#018x} (expected {expected:#018x}); the entry symbol does not return a lessons descriptor", expected = abi::MAGIC)]
    BadMagic { path: PathBuf, found: u64 },
    #[error(
        "{path}: plugin ABI {plugin_major}.{plugin_minor}, host ABI {host_major}.{host_minor}; rebuild the plugin against lessons-plugin with ABI major {host_major}"
    )]
    AbiMismatch {
        path: PathBuf,
        plugin_major: u16,
        plugin_minor: u16,
        host_major: u16,
        host_minor: u16,
    },
    #[error(
        "{path}: the descriptor is {found} bytes, ABI {major}.0 needs at least {needed}; the descriptor is truncated: rebuild the plugin with the current SDK or header"
    )]
    Truncated {
        path: PathBuf,
        found: u32,
        needed: usize,
        major: u16,
    },
    #[error(
        "{path}: the `{function}` function pointer is null; a plugin must provide create, score and destroy"
    )]
    NullFunction {
        path: PathBuf,
        function: &'static str,
    },
    #[error("{path}: the descriptor's {field} is not valid UTF-8; fix the plugin's metadata")]
    InvalidString { path: PathBuf, field: String },
    #[error("{path}: {reason}; fix the plugin's metric declarations")]
    BadMetrics { path: PathBuf, reason: String },
    #[error(
        "{path}: built with panic = \"abort\", so a panic would kill the batch; rebuild it with panic = \"unwind\""
    )]
    NoUnwind { path: PathBuf },
    #[error("{path}: plugin `{name}` is already loaded from {first}; remove one copy")]
    Duplicate {
        path: PathBuf,
        name: String,
        first: PathBuf,
    },
    #[error(
        "{path}: plugin `{name}` has sha256 {found}, but the configuration pins {pinned}; if you trust this build, put its hash in [plugins.{name}] sha256"
    )]
    HashMismatch {
        path: PathBuf,
        name: String,
        pinned: String,
        found: String,
    },
    #[error("{path}: refused: {reason}")]
    Unsafe { path: PathBuf, reason: String },
    /// A refusal reported by a worker process, which loaded the plugin.
    #[error("{message}")]
    Worker {
        path: PathBuf,
        kind: String,
        message: String,
    },
    #[error("plugin `{name}` ({path}): create failed ({status}): {message}")]
    CreateFailed {
        path: PathBuf,
        name: String,
        status: String,
        message: String,
    },
}

impl LoadError {
    /// A short machine-readable name for the reason.
    pub fn kind(&self) -> &str {
        match self {
            LoadError::Open { .. } => "open",
            LoadError::MissingEntry { .. } => "missing_entry",
            LoadError::Refused { .. } => "refused",
            LoadError::BadMagic { .. } => "bad_magic",
            LoadError::AbiMismatch { .. } => "abi_mismatch",
            LoadError::Truncated { .. } => "truncated",
            LoadError::NullFunction { .. } => "null_function",
            LoadError::InvalidString { .. } => "invalid_string",
            LoadError::BadMetrics { .. } => "bad_metrics",
            LoadError::NoUnwind { .. } => "no_unwind",
            LoadError::Duplicate { .. } => "duplicate",
            LoadError::CreateFailed { .. } => "create_failed",
            LoadError::HashMismatch { .. } => "hash_mismatch",
            LoadError::Unsafe { .. } => "unsafe_permissions",
            LoadError::Worker { kind, .. } => kind,
        }
    }

    /// The library the error is about.
    pub fn path(&self) -> &Path {
        match self {
            LoadError::Open { path, .. }
            | LoadError::MissingEntry { path }
            | LoadError::Refused { path, .. }
            | LoadError::BadMagic { path, .. }
            | LoadError::AbiMismatch { path, .. }
            | LoadError::Truncated { path, .. }
            | LoadError::NullFunction { path, .. }
            | LoadError::InvalidString { path, .. }
            | LoadError::BadMetrics { path, .. }
            | LoadError::NoUnwind { path }
            | LoadError::Duplicate { path, .. }
            | LoadError::CreateFailed { path, .. }
            | LoadError::HashMismatch { path, .. }
            | LoadError::Unsafe { path, .. }
            | LoadError::Worker { path, .. } => path,
        }
    }
}

/// A metric a plugin declared, copied into host memory.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct MetricInfo {
    pub id: String,
    pub min: f64,
    pub max: f64,
    #[serde(default)]
    pub description: String,
    /// The rule ids that cite evidence for this metric (ABI 1.1 instance
    /// metrics only), so that a rule that matched nothing can be reported.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<String>,
}

/// The most metrics one plugin or instance may declare.
const MAX_METRICS: usize = 256;

/// A loaded, checked plugin library. Everything the descriptor said is copied
/// into host `String`s at load time; only the function pointers are kept.
#[derive(Debug)]
pub struct Plugin {
    pub path: PathBuf,
    pub sha256: String,
    pub name: String,
    pub version: String,
    pub sdk_version: String,
    pub description: String,
    pub abi_minor: u16,
    pub metrics: Vec<MetricInfo>,
    pub flags: u64,
    pub(crate) create: CreateFn,
    pub(crate) score: ScoreFn,
    pub(crate) destroy: DestroyFn,
    /// ABI 1.1: the instance's own metrics, when the plugin provides them.
    pub(crate) instance_metrics: Option<InstanceMetricsFn>,
    /// Never dropped: the library stays mapped for the life of the process.
    _library: ManuallyDrop<libloading::Library>,
}

impl Plugin {
    /// Whether the plugin promises that one instance may score concurrently.
    pub fn thread_safe(&self) -> bool {
        self.flags & abi::FLAG_THREAD_SAFE != 0
    }

    /// The metric with this id, if declared.
    pub fn metric(&self, id: &str) -> Option<&MetricInfo> {
        self.metrics.iter().find(|m| m.id == id)
    }
}

/// What the host knows of a plugin once it is loaded and its instance made:
/// everything but the function pointers. A worker sends it in its `Hello`;
/// fields may be appended, never renamed.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PluginSummary {
    pub path: PathBuf,
    pub sha256: String,
    pub name: String,
    pub version: String,
    pub sdk_version: String,
    pub description: String,
    pub abi_minor: u16,
    pub metrics: Vec<MetricInfo>,
    pub flags: u64,
}

impl Plugin {
    /// The plugin as the rest of the host sees it.
    pub fn summary(&self) -> PluginSummary {
        PluginSummary {
            path: self.path.clone(),
            sha256: self.sha256.clone(),
            name: self.name.clone(),
            version: self.version.clone(),
            sdk_version: self.sdk_version.clone(),
            description: self.description.clone(),
            abi_minor: self.abi_minor,
            metrics: self.metrics.clone(),
            flags: self.flags,
        }
    }
}

/// The host's side of the handshake.
fn host_info() -> HostInfo {
    HostInfo {
        struct_size: std::mem::size_of::<HostInfo>() as u32,
        abi_major: abi::ABI_MAJOR,
        abi_minor: abi::ABI_MINOR,
        host_version: StrRef::new(env!("CARGO_PKG_VERSION")),
    }
}

/// Opens and checks one plugin library.
pub fn load(path: &Path) -> Result<Plugin, LoadError> {
    let sha256 = sha256_of(path).map_err(|e| LoadError::Open {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    let library = open(path)?;
    // SAFETY: the symbol's type is the ABI's EntryFn; a library that exports
    // the name with another type is the plugin author's contract violation.
    let entry: abi::EntryFn = unsafe {
        *library
            .get::<abi::EntryFn>(abi::ENTRY_SYMBOL.as_bytes())
            .map_err(|_| LoadError::MissingEntry {
                path: path.to_path_buf(),
            })?
    };
    let host = host_info();
    // SAFETY: calling the plugin's entry point with a valid HostInfo.
    let descriptor = unsafe { entry(&host) };
    // SAFETY: a non-null descriptor is static data of the library.
    let checked = unsafe { check_descriptor(path, descriptor) }?;
    Ok(Plugin {
        path: path.to_path_buf(),
        sha256,
        name: checked.name,
        version: checked.version,
        sdk_version: checked.sdk_version,
        description: checked.description,
        abi_minor: checked.abi_minor,
        metrics: checked.metrics,
        flags: checked.flags,
        create: checked.create,
        score: checked.score,
        destroy: checked.destroy,
        instance_metrics: checked.instance_metrics,
        _library: ManuallyDrop::new(library),
    })
}

#[cfg(unix)]
fn open(path: &Path) -> Result<libloading::Library, LoadError> {
    // RTLD_NOW: a missing dependency fails here, not mid-batch.
    // RTLD_LOCAL: every plugin's `lessons_plugin_entry` resolves in itself.
    // RTLD_NODELETE: never unmapped, even if a handle is closed.
    let flags = libc::RTLD_NOW | libc::RTLD_LOCAL | libc::RTLD_NODELETE;
    // SAFETY: loading runs the library's initialisers; a plugin is trusted
    // code that runs with the user's rights, as plugin-api.md says.
    unsafe { libloading::os::unix::Library::open(Some(path), flags) }
        .map(libloading::Library::from)
        .map_err(|e| LoadError::Open {
            path: path.to_path_buf(),
            message: e.to_string(),
        })
}

#[cfg(not(unix))]
fn open(path: &Path) -> Result<libloading::Library, LoadError> {
    // SAFETY: as above.
    unsafe { libloading::Library::new(path) }.map_err(|e| LoadError::Open {
        path: path.to_path_buf(),
        message: e.to_string(),
    })
}

/// Checks the descriptor in the order that makes each read safe: the frozen
/// prefix first, then the size, then the body.
///
/// # Safety
/// `descriptor` is null or points to at least the frozen prefix of a descriptor.
unsafe fn check_descriptor(
    path: &Path,
    descriptor: *const PluginDescriptor,
) -> Result<Checked, LoadError> {
    let path_buf = || path.to_path_buf();
    if descriptor.is_null() {
        return Err(LoadError::Refused {
            path: path_buf(),
            host_major: abi::ABI_MAJOR,
            host_minor: abi::ABI_MINOR,
        });
    }
    let prefix = descriptor as *const u8;
    // SAFETY: the frozen prefix is readable in any descriptor of any version.
    let (magic, major, minor, size) = unsafe {
        (
            std::ptr::read_unaligned(prefix as *const u64),
            std::ptr::read_unaligned(prefix.add(8) as *const u16),
            std::ptr::read_unaligned(prefix.add(10) as *const u16),
            std::ptr::read_unaligned(prefix.add(12) as *const u32),
        )
    };
    if magic != abi::MAGIC {
        return Err(LoadError::BadMagic {
            path: path_buf(),
            found: magic,
        });
    }
    if major != abi::ABI_MAJOR {
        return Err(LoadError::AbiMismatch {
            path: path_buf(),
            plugin_major: major,
            plugin_minor: minor,
            host_major: abi::ABI_MAJOR,
            host_minor: abi::ABI_MINOR,
        });
    }
    let needed = abi::DESCRIPTOR_SIZE_1_0;
    if (size as usize) < needed {
        return Err(LoadError::Truncated {
            path: path_buf(),
            found: size,
            needed,
            major,
        });
    }
    // SAFETY: the plugin says, and we checked, that `size` bytes are there.
    let d = unsafe { copy_descriptor(descriptor, size as usize, minor) };
    let d = &d;
    let create = d.create.ok_or(LoadError::NullFunction {
        path: path_buf(),
        function: "create",
    })?;
    let score = d.score.ok_or(LoadError::NullFunction {
        path: path_buf(),
        function: "score",
    })?;
    let destroy = d.destroy.ok_or(LoadError::NullFunction {
        path: path_buf(),
        function: "destroy",
    })?;
    let text = |s: StrRef, field: &str| {
        // SAFETY: descriptor strings are static data of the library.
        let bytes = unsafe { s.as_bytes() };
        String::from_utf8(bytes.to_vec()).map_err(|_| LoadError::InvalidString {
            path: path_buf(),
            field: field.to_string(),
        })
    };
    let name = text(d.name, "name")?;
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        return Err(LoadError::InvalidString {
            path: path_buf(),
            field: format!("name {name:?} (use letters, digits, - and _)"),
        });
    }
    let metrics = unsafe { read_metrics(path, d.metrics, d.metrics_len) }?;
    let checked = Checked {
        version: text(d.version, "version")?,
        sdk_version: text(d.sdk_version, "sdk_version")?,
        description: text(d.description, "description")?,
        abi_minor: minor,
        metrics,
        flags: d.flags,
        name,
        create,
        score,
        destroy,
        instance_metrics: d.instance_metrics,
    };
    if checked.flags & abi::FLAG_PANIC_UNWIND == 0 {
        return Err(LoadError::NoUnwind { path: path_buf() });
    }
    Ok(checked)
}

/// What the descriptor said, copied into host memory.
struct Checked {
    name: String,
    version: String,
    sdk_version: String,
    description: String,
    abi_minor: u16,
    metrics: Vec<MetricInfo>,
    flags: u64,
    create: CreateFn,
    score: ScoreFn,
    destroy: DestroyFn,
    instance_metrics: Option<InstanceMetricsFn>,
}

/// Copies the descriptor into host memory, reading only the `size` bytes the
/// plugin declared; fields it does not have stay zero (None, null). Fields a
/// minor added are kept only when the plugin declares that minor, so a 1.0
/// plugin's trailing bytes are never taken for a 1.1 function pointer.
///
/// # Safety
/// `descriptor` points to at least `size` readable bytes, and `size` is at
/// least [`abi::DESCRIPTOR_SIZE_1_0`].
unsafe fn copy_descriptor(
    descriptor: *const PluginDescriptor,
    size: usize,
    minor: u16,
) -> PluginDescriptor {
    let full = std::mem::size_of::<PluginDescriptor>();
    let mut copy = MaybeUninit::<PluginDescriptor>::zeroed();
    // SAFETY: `size.min(full)` bytes are readable (caller) and writable (ours).
    unsafe {
        std::ptr::copy_nonoverlapping(
            descriptor as *const u8,
            copy.as_mut_ptr() as *mut u8,
            size.min(full),
        );
    }
    // SAFETY: every field is valid when zeroed (integers, null pointers, None),
    // and the copied bytes are the plugin's own descriptor fields.
    let mut copy = unsafe { copy.assume_init() };
    if minor < 1 {
        copy.instance_metrics = None;
    }
    copy
}

/// # Safety
/// `metrics` is null or points to `len` declarations in the library's static data.
unsafe fn read_metrics(
    path: &Path,
    metrics: *const MetricDecl,
    len: usize,
) -> Result<Vec<MetricInfo>, LoadError> {
    let bad = |reason: String| LoadError::BadMetrics {
        path: path.to_path_buf(),
        reason,
    };
    if metrics.is_null() || len == 0 {
        return Err(bad("the plugin declares no metrics".into()));
    }
    if len > MAX_METRICS {
        return Err(bad(format!(
            "the plugin declares {len} metrics, over the limit of {MAX_METRICS}"
        )));
    }
    // SAFETY: per the caller's contract.
    let decls = unsafe { std::slice::from_raw_parts(metrics, len) };
    let mut out: Vec<MetricInfo> = Vec::with_capacity(len);
    for decl in decls {
        // SAFETY: descriptor strings are static data of the library.
        let id = String::from_utf8(unsafe { decl.id.as_bytes() }.to_vec())
            .map_err(|_| bad("a metric id is not UTF-8".into()))?;
        let description = String::from_utf8(unsafe { decl.description.as_bytes() }.to_vec())
            .map_err(|_| bad(format!("metric {id}'s description is not UTF-8")))?;
        out.push(MetricInfo {
            id,
            min: decl.min,
            max: decl.max,
            description,
            rules: Vec::new(),
        });
    }
    check_metrics(out).map_err(bad)
}

/// Checks a list of metric declarations, from the descriptor or from an
/// instance: not empty, not too many, ids of letters, digits and `_`, finite
/// ranges with min < max, no id twice.
pub(crate) fn check_metrics(metrics: Vec<MetricInfo>) -> Result<Vec<MetricInfo>, String> {
    if metrics.is_empty() {
        return Err("the plugin declares no metrics".into());
    }
    if metrics.len() > MAX_METRICS {
        return Err(format!(
            "the plugin declares {} metrics, over the limit of {MAX_METRICS}",
            metrics.len()
        ));
    }
    for (i, m) in metrics.iter().enumerate() {
        let id = &m.id;
        if id.is_empty() || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(format!("metric id {id:?} must be letters, digits and _"));
        }
        if !(m.min.is_finite() && m.max.is_finite() && m.min < m.max) {
            return Err(format!(
                "metric {id} has range [{}, {}]; it needs finite min < max",
                m.min, m.max
            ));
        }
        if metrics[..i].iter().any(|other| &other.id == id) {
            return Err(format!("metric {id} is declared twice"));
        }
    }
    Ok(metrics)
}

/// The sha256 of a file, as lowercase hex.
pub fn sha256_of(path: &Path) -> std::io::Result<String> {
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    std::io::copy(&mut file, &mut hasher)?;
    Ok(format!("{:x}", hasher.finalize()))
}
