//! `lessons-plugin`: the contract between the `lessons` host and a scoring
//! plugin. [`abi`] is the C ABI (the only thing that crosses the boundary);
//! the rest is a safe Rust SDK over it: implement [`Scorer`], call
//! [`export_scorer!`], build a `cdylib`.
//!
//! ```ignore
//! use lessons_plugin::{export_scorer, Document, Metric, PluginError, Report, Scorer};
//!
//! struct Shouting;
//!
//! impl Scorer for Shouting {
//!     const NAME: &'static str = "shouting";
//!     const VERSION: &'static str = env!("CARGO_PKG_VERSION");
//!     fn metrics() -> Vec<Metric> {
//!         vec![Metric::new("shouting", 0.0, 100.0, "share of sentences in capitals")]
//!     }
//!     fn new(_settings: &serde_json::Value) -> Result<Self, PluginError> {
//!         Ok(Shouting)
//!     }
//!     fn score(&self, document: &Document<'_>) -> Result<Report, PluginError> {
//!         let mut report = Report::default();
//!         report.score("shouting", 0.0);
//!         Ok(report)
//!     }
//! }
//!
//! export_scorer!(Shouting);
//! ```

pub mod abi;
mod document;
mod report;
#[doc(hidden)]
pub mod shim;

pub use document::{Document, SectionKind, count_unspaced_runs, count_words};
pub use report::{Evidence, Report};

/// A metric a scorer declares: its id, its range and a line saying what it
/// measures; optionally the ids of the rules that cite evidence for it.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Metric {
    pub id: String,
    pub min: f64,
    pub max: f64,
    pub description: String,
    /// The rule ids (as in [`Evidence::rule`]) that can fire for this metric.
    /// The host reports those that matched nothing in a whole batch.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<String>,
}

impl Metric {
    pub fn new(id: &str, min: f64, max: f64, description: &str) -> Metric {
        Metric {
            id: id.to_string(),
            min,
            max,
            description: description.to_string(),
            rules: Vec::new(),
        }
    }

    /// The same metric, naming the rules that cite evidence for it.
    pub fn with_rules(mut self, rules: Vec<String>) -> Metric {
        self.rules = rules;
        self
    }
}

/// Why a scorer could not be created or could not score a document. The
/// message reaches the user, so say what to fix.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PluginError {
    pub message: String,
}

impl PluginError {
    pub fn new(message: impl Into<String>) -> PluginError {
        PluginError {
            message: message.into(),
        }
    }
}

impl std::fmt::Display for PluginError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for PluginError {}

/// A scoring plugin. One instance is created per run from the plugin's
/// settings and may score many documents, from several threads at once.
pub trait Scorer: Send + Sync + Sized + 'static {
    /// The plugin's name, unique among the plugins a user loads.
    const NAME: &'static str;
    /// The plugin's version; `env!("CARGO_PKG_VERSION")` is usual.
    const VERSION: &'static str;
    /// A line for `lessons plugins`.
    const DESCRIPTION: &'static str = "";

    /// The metrics this plugin scores, with their ranges. Called once, when
    /// the host loads the library.
    fn metrics() -> Vec<Metric>;

    /// Makes an instance from the plugin's table in `lessons.toml` (a JSON
    /// object; empty when the user set nothing).
    fn new(settings: &serde_json::Value) -> Result<Self, PluginError>;

    /// The metrics this instance scores, once its settings are read. The
    /// default is [`Scorer::metrics`]; a scorer whose metrics come from its
    /// settings (a rule pack) returns them here, and the host validates its
    /// results against these (ABI 1.1).
    fn instance_metrics(&self) -> Vec<Metric> {
        Self::metrics()
    }

    /// Scores one document. Every non-zero score should come with evidence.
    fn score(&self, document: &Document<'_>) -> Result<Report, PluginError>;
}

/// Exports a [`Scorer`] as a plugin: generates the `lessons_plugin_entry`
/// symbol and the shims that turn panics into errors. Use it once per cdylib.
#[macro_export]
macro_rules! export_scorer {
    ($scorer:ty) => {
        /// The plugin's entry point, called by the host once at load time.
        ///
        /// # Safety
        /// Called by the host with a valid `HostInfo` pointer or null.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn lessons_plugin_entry(
            host: *const $crate::abi::HostInfo,
        ) -> *const $crate::abi::PluginDescriptor {
            static DESCRIPTOR: ::std::sync::OnceLock<$crate::shim::StaticDescriptor> =
                ::std::sync::OnceLock::new();
            // SAFETY: the host passes null or a valid HostInfo.
            unsafe { $crate::shim::entry::<$scorer>(host, &DESCRIPTOR) }
        }
    };
}
