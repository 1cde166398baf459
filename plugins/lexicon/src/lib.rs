//! `lessons-lexicon`: what the bundled scorers share. A [`Lexicon`] is a
//! catalogue of cues kept as TOML data (phrases, word stems or regexes, with
//! weights, section scopes, a policy for quoted speech and for negation),
//! compiled once per plugin instance and matched against a document's
//! structure. Scorers turn the resulting [`Hit`]s into scores with the
//! length-normalising helpers in [`measure`].

pub mod lexicon;
pub mod measure;
pub mod patterns;
pub mod recommendation;
pub mod similarity;
mod spares;
pub mod starts;

pub use lexicon::{Cue, Hit, Lexicon, LexiconError};
