//! `lessons`: the host library. It reads child-safeguarding case reviews,
//! runs scoring plugins over them and reports which reviews add real
//! learning. The data flow is one direction:
//! [`config`] → [`discover`] → [`ingest`] → [`plugin`] (load) → [`run`] (score)
//! → [`aggregate`] → [`report`]. See ARCHITECTURE.md for the map.

pub mod aggregate;
pub mod batch;
pub mod blind;
pub mod config;
pub mod coverage;
pub mod discover;
pub mod document;
pub mod ingest;
pub mod journal;
pub mod plugin;
pub mod recurrence;
pub mod report;
pub mod rule_tests;
pub mod run;
pub mod scaffold;
pub mod stats;
pub mod validate;
