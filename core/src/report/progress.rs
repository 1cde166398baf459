//! The progress bar a batch shows on stderr: only when stderr is a
//! terminal, so that a pipe, a log or CI sees nothing extra, and without
//! colour when NO_COLOR is set (no-color.org). It wraps the run's own
//! [`run::Progress`](crate::run::Progress) (a journal, or nothing) and passes
//! every call on.

use crate::batch::ReviewResult;
use crate::run;
use indicatif::{ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;

/// A progress bar for scoring, or nothing, around the run's own progress.
pub struct ProgressBar<'a> {
    bar: Option<indicatif::ProgressBar>,
    inner: &'a dyn run::Progress,
}

impl<'a> ProgressBar<'a> {
    /// A bar on stderr if stderr is a terminal; otherwise one that draws nothing.
    pub fn on_stderr(inner: &'a dyn run::Progress) -> ProgressBar<'a> {
        let bar = std::io::stderr().is_terminal().then(|| {
            let colour = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
            let template = if colour {
                "{prefix} [{bar:32.cyan/blue}] {pos}/{len} reviews, {elapsed} {wide_msg}"
            } else {
                "{prefix} [{bar:32}] {pos}/{len} reviews, {elapsed} {wide_msg}"
            };
            let style = ProgressStyle::with_template(template)
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> ");
            indicatif::ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr())
                .with_style(style)
                .with_prefix("scoring")
        });
        ProgressBar { bar, inner }
    }

    /// Clears the bar once the run is over.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

impl run::Progress for ProgressBar<'_> {
    fn started(&self, files: usize) {
        self.inner.started(files);
        if let Some(bar) = &self.bar {
            bar.set_length(files as u64);
        }
    }

    fn already_done(&self, review_sha256: &str) -> bool {
        let done = self.inner.already_done(review_sha256);
        if done && let Some(bar) = &self.bar {
            bar.inc(1);
        }
        done
    }

    fn finished(&self, review: &ReviewResult, review_sha256: &str) {
        self.inner.finished(review, review_sha256);
        if let Some(bar) = &self.bar {
            bar.set_message(review.id.clone());
            bar.inc(1);
        }
    }
}
