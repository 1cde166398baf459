//! The progress bar a batch shows on stderr: only when stderr is a
//! terminal, so that a pipe, a log or CI sees nothing extra, and without
//! colour when NO_COLOR is set (no-color.org).

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;

/// A progress bar for scoring, or nothing.
pub struct Progress {
    bar: Option<ProgressBar>,
}

impl Progress {
    /// A bar on stderr if stderr is a terminal; otherwise a silent one.
    pub fn on_stderr() -> Progress {
        if !std::io::stderr().is_terminal() {
            return Progress::hidden();
        }
        let colour = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
        let template = if colour {
            "{prefix} [{bar:32.cyan/blue}] {pos}/{len} reviews, {elapsed} {wide_msg}"
        } else {
            "{prefix} [{bar:32}] {pos}/{len} reviews, {elapsed} {wide_msg}"
        };
        let style = ProgressStyle::with_template(template)
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> ");
        let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr())
            .with_style(style)
            .with_prefix("scoring");
        Progress { bar: Some(bar) }
    }

    /// A bar that draws nothing.
    pub fn hidden() -> Progress {
        Progress { bar: None }
    }

    /// Whether anything is drawn.
    pub fn is_visible(&self) -> bool {
        self.bar.is_some()
    }
}

impl crate::run::Observer for Progress {
    fn started(&self, reviews: usize) {
        if let Some(bar) = &self.bar {
            bar.set_length(reviews as u64);
        }
    }

    fn settled(&self, path: &std::path::Path) {
        if let Some(bar) = &self.bar {
            bar.set_message(
                path.file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
            );
            bar.inc(1);
        }
    }

    fn finished(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
