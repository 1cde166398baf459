//! The HTML report in a real browser: headless Chromium loads the report
//! over the whole corpus, the console shows no error and nothing is fetched
//! from the network, a click on a column header sorts the table, and a
//! screenshot is saved (to docs/report.png when LESSONS_UPDATE_SCREENSHOT is
//! set). Chromium is driven through its DevTools protocol over
//! `--remote-debugging-pipe`: NUL-separated JSON on fds 3 and 4, no
//! websocket and no port.

use base64::Engine as _;
use lessons_tests::{artifacts, lessons, scratch, stderr, workspace_root};
use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Write};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

/// How long to wait for one answer before calling the browser stuck. A
/// deadline against hanging, not an assertion about speed.
const STUCK: Duration = Duration::from_secs(60);

fn chromium() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("LESSONS_CHROMIUM") {
        return Some(PathBuf::from(path));
    }
    [
        "/usr/bin/chromium",
        "/usr/bin/chromium-browser",
        "/usr/bin/google-chrome",
    ]
    .iter()
    .map(PathBuf::from)
    .find(|p| p.is_file())
}

/// A Chromium process and the pipe pair to its DevTools endpoint.
struct Browser {
    child: Child,
    commands: std::fs::File,
    messages: Receiver<Value>,
    next_id: u64,
    /// Events that arrived while waiting for answers, in order.
    events: Vec<Value>,
}

/// A file descriptor numbered 10 or above, so that moving it onto 3 or 4 in
/// the child cannot clobber the other one.
fn high(fd: OwnedFd) -> OwnedFd {
    let raw = unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_DUPFD_CLOEXEC, 10) };
    assert!(raw >= 10, "fcntl failed");
    unsafe { OwnedFd::from_raw_fd(raw) }
}

impl Browser {
    fn launch(binary: &Path, profile: &Path) -> Browser {
        let (to_browser_read, to_browser_write) = std::io::pipe().expect("pipe");
        let (from_browser_read, from_browser_write) = std::io::pipe().expect("pipe");
        let child_in = high(OwnedFd::from(to_browser_read));
        let child_out = high(OwnedFd::from(from_browser_write));
        let (in_fd, out_fd) = (child_in.as_raw_fd(), child_out.as_raw_fd());
        let mut command = Command::new(binary);
        command
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--remote-debugging-pipe",
                "about:blank",
            ])
            .arg(format!("--user-data-dir={}", profile.display()))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        // SAFETY: only async-signal-safe calls (dup2) between fork and exec.
        unsafe {
            command.pre_exec(move || {
                if libc::dup2(in_fd, 3) < 0 || libc::dup2(out_fd, 4) < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let child = command.spawn().expect("chromium starts");
        drop((child_in, child_out));
        let (sender, messages) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(from_browser_read);
            let mut message = Vec::new();
            while reader.read_until(0, &mut message).unwrap_or(0) > 0 {
                message.pop_if(|b| *b == 0);
                if let Ok(value) = serde_json::from_slice::<Value>(&message)
                    && sender.send(value).is_err()
                {
                    return;
                }
                message.clear();
            }
        });
        Browser {
            child,
            commands: std::fs::File::from(OwnedFd::from(to_browser_write)),
            messages,
            next_id: 0,
            events: Vec::new(),
        }
    }

    /// Sends one command (to a page's session, if given) and waits for its answer.
    fn call(&mut self, session: Option<&str>, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        let mut message = json!({"id": id, "method": method, "params": params});
        if let Some(session) = session {
            message["sessionId"] = json!(session);
        }
        let mut bytes = serde_json::to_vec(&message).unwrap();
        bytes.push(0);
        self.commands.write_all(&bytes).expect("chromium reads");
        loop {
            let message = self
                .messages
                .recv_timeout(STUCK)
                .unwrap_or_else(|_| panic!("no answer from chromium to {method}"));
            if message["id"] == json!(id) {
                assert!(
                    message.get("error").is_none(),
                    "{method} failed: {}",
                    message["error"]
                );
                return message["result"].clone();
            }
            self.events.push(message);
        }
    }

    /// Waits for an event by name, keeping every event seen on the way.
    fn wait_for(&mut self, method: &str) {
        if self.events.iter().any(|e| e["method"] == method) {
            return;
        }
        loop {
            let message = self
                .messages
                .recv_timeout(STUCK)
                .unwrap_or_else(|_| panic!("chromium never sent {method}"));
            let found = message["method"] == method;
            self.events.push(message);
            if found {
                return;
            }
        }
    }

    /// Evaluates an expression in the page and returns its value.
    fn eval(&mut self, session: &str, expression: &str) -> Value {
        let result = self.call(
            Some(session),
            "Runtime.evaluate",
            json!({"expression": expression, "returnByValue": true, "awaitPromise": true}),
        );
        assert!(
            result.get("exceptionDetails").is_none(),
            "{expression} threw: {}",
            result["exceptionDetails"]
        );
        result["result"]["value"].clone()
    }

    /// A real mouse click at the centre of the element `element` (a script
    /// expression) finds.
    fn click(&mut self, session: &str, element: &str) {
        let at = self.eval(
            session,
            &format!(
                "(() => {{ const e = {element}; e.scrollIntoView({{block: 'center'}}); \
                 const r = e.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; }})()"
            ),
        );
        for kind in ["mousePressed", "mouseReleased"] {
            self.call(
                Some(session),
                "Input.dispatchMouseEvent",
                json!({"type": kind, "x": at[0], "y": at[1], "button": "left", "clickCount": 1}),
            );
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Problems the page reported: console errors, uncaught exceptions, log
/// errors, and any request that left the machine.
fn problems(events: &[Value]) -> Vec<String> {
    let mut found = Vec::new();
    for e in events {
        let params = &e["params"];
        match e["method"].as_str().unwrap_or_default() {
            "Runtime.exceptionThrown" => {
                found.push(format!("exception: {}", params["exceptionDetails"]))
            }
            "Runtime.consoleAPICalled"
                if matches!(params["type"].as_str(), Some("error" | "assert")) =>
            {
                found.push(format!("console {}: {}", params["type"], params["args"]))
            }
            "Log.entryAdded" if params["entry"]["level"] == "error" => {
                found.push(format!("log: {}", params["entry"]["text"]))
            }
            "Network.requestWillBeSent" => {
                let url = params["request"]["url"].as_str().unwrap_or_default();
                if !(url.starts_with("file:") || url.starts_with("data:") || url == "about:blank") {
                    found.push(format!("network request: {url}"));
                }
            }
            _ => {}
        }
    }
    found
}

/// The script expression for the sort button of the column titled `title`.
fn header(title: &str) -> String {
    format!(
        "[...document.querySelectorAll('#reviews thead button')].find(b => b.textContent.trim() === {title:?})"
    )
}

/// The numbers in one column of the batch table, top to bottom, and its aria-sort.
fn column(browser: &mut Browser, session: &str, header: &str) -> (Vec<f64>, String) {
    let value = browser.eval(
        session,
        &format!(
            "(() => {{ const ths = [...document.querySelectorAll('#reviews thead th')]; \
             const i = ths.findIndex(th => th.textContent.trim() === {header:?}); \
             return [[...document.querySelectorAll('#reviews tbody tr')].map(r => parseFloat(r.children[i].dataset.value)), \
                     ths[i].getAttribute('aria-sort')]; }})()"
        ),
    );
    let numbers = value[0]
        .as_array()
        .expect("column values")
        .iter()
        .map(|v| v.as_f64().expect("a number"))
        .collect();
    (numbers, value[1].as_str().unwrap_or_default().to_string())
}

#[test]
fn the_html_report_loads_without_errors_sorts_on_a_click_and_is_photographed() {
    let Some(binary) = chromium() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "chromium is not installed, and CI must run this test: apt-get install -y chromium"
        );
        eprintln!(
            "\n*** SKIPPED the_html_report_loads_without_errors…: chromium is not installed; \
             install it with `apt-get install -y chromium` (CI does) ***\n"
        );
        return;
    };
    let dir = scratch("html-report");
    let report = dir.join("report.html");
    let output = lessons(&[
        "score",
        "reviews",
        "--format",
        "html",
        "-o",
        report.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let html = std::fs::read_to_string(&report).unwrap();
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "the page refers to the network"
    );

    let mut browser = Browser::launch(&binary, &dir.join("profile"));
    let target = browser.call(None, "Target.createTarget", json!({"url": "about:blank"}));
    let attached = browser.call(
        None,
        "Target.attachToTarget",
        json!({"targetId": target["targetId"], "flatten": true}),
    );
    let session = attached["sessionId"]
        .as_str()
        .expect("a session")
        .to_string();
    let s = Some(session.as_str());
    for domain in [
        "Runtime.enable",
        "Log.enable",
        "Page.enable",
        "Network.enable",
    ] {
        browser.call(s, domain, json!({}));
    }
    browser.call(
        s,
        "Emulation.setDeviceMetricsOverride",
        json!({"width": 1280, "height": 900, "deviceScaleFactor": 1, "mobile": false}),
    );
    let url = format!("file://{}", report.canonicalize().unwrap().display());
    browser.call(s, "Page.navigate", json!({"url": url}));
    browser.wait_for("Page.loadEventFired");

    let page = browser.eval(
        &session,
        "({rows: document.querySelectorAll('#reviews tbody tr').length, \
          marks: document.querySelectorAll('#texts mark').length, \
          labels: document.querySelectorAll('#texts .tag').length, \
          charts: document.querySelectorAll('svg').length, \
          shown: document.getElementById('shown').textContent})",
    );
    let reviews = lessons_tests::corpus_reviews().len();
    assert_eq!(page["rows"], json!(reviews), "{page}");
    assert!(page["marks"].as_u64().unwrap() > 100, "{page}");
    assert!(page["labels"].as_u64().unwrap() > 100, "{page}");
    assert!(page["charts"].as_u64().unwrap() > 40, "{page}");
    assert_eq!(
        page["shown"],
        json!(format!("{reviews} of {reviews} reviews shown")),
        "the script ran: {page}"
    );

    let (before, sort) = column(&mut browser, &session, "hand-wringing");
    assert_eq!(sort, "none");
    let mut descending = before.clone();
    descending.sort_by(|a, b| b.total_cmp(a));
    assert_ne!(
        before, descending,
        "the table must start in another order for the click to show"
    );
    browser.click(&session, &header("hand-wringing"));
    let (after, sort) = column(&mut browser, &session, "hand-wringing");
    assert_eq!(
        (after.clone(), sort.as_str()),
        (descending.clone(), "descending")
    );
    browser.click(&session, &header("hand-wringing"));
    let (again, sort) = column(&mut browser, &session, "hand-wringing");
    descending.reverse();
    assert_eq!((again, sort.as_str()), (descending, "ascending"));

    // The picture a reader first sees: ranked by learning index, only the
    // reviews that add real learning, then the charts and the first text.
    browser.click(&session, &header("Learning index"));
    browser.click(&session, "document.getElementById('only-learning')");
    let shown = browser.eval(&session, "document.getElementById('shown').textContent");
    assert!(
        shown
            .as_str()
            .unwrap()
            .ends_with(&format!("of {reviews} reviews shown")),
        "{shown}"
    );
    let height = browser.eval(
        &session,
        "window.scrollTo(0, 0); document.querySelector('#texts article').getBoundingClientRect().top + window.scrollY + 700",
    );
    let problems = problems(&browser.events);
    assert!(
        problems.is_empty(),
        "the page reported problems: {problems:#?}"
    );

    let shot = browser.call(
        s,
        "Page.captureScreenshot",
        json!({"format": "png", "captureBeyondViewport": true,
               "clip": {"x": 0, "y": 0, "width": 1280, "height": height, "scale": 1}}),
    );
    let png = base64::engine::general_purpose::STANDARD
        .decode(shot["data"].as_str().expect("screenshot data"))
        .expect("base64");
    assert!(png.starts_with(b"\x89PNG"), "a PNG");
    let saved = artifacts().bundled_dir.join("report.png");
    std::fs::write(&saved, &png).unwrap();
    eprintln!("screenshot: {}", saved.display());
    if std::env::var_os("LESSONS_UPDATE_SCREENSHOT").is_some() {
        std::fs::create_dir_all(workspace_root().join("docs")).unwrap();
        std::fs::write(workspace_root().join("docs/report.png"), &png).unwrap();
    }
}
