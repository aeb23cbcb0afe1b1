//! BENCHMARK HOOK (`scripts/bench-app`), off unless `PENDATA_BENCH_PIN` is set.
//!
//! With `PENDATA_BENCH_PIN=<pin>` the app unlocks itself with that PIN, opens the work list,
//! and once the list's first page is in the WebView's DOM (checked in the page, after an
//! animation frame) prints one line to stdout:
//!
//! `pendata-bench first_list_ms=.. unlock_screen_ms=.. unlock_start_ms=.. unlocked_ms=..
//! list_received_ms=.. rows=.. rss_kb=.. tree_rss_kb=.. tree_pss_kb=.. processes=..`
//!
//! As a person would, it submits the PIN only once the unlock screen's PIN field is in the DOM
//! (`unlock_screen_ms`); `unlock_start_ms` is the submit.
//!
//! Times are milliseconds since [`mark_process_start`] (first thing in `main`). `rss_kb` is
//! this process's VmRSS; `tree_*` add every descendant process (the WebKit web and network
//! processes). With `PENDATA_BENCH_EXIT=1` the app then closes its window and exits.
//! Nothing here runs, and nothing is read, when `PENDATA_BENCH_PIN` is absent: `main` then
//! launches the shipped root [`crate::App`]; only with it set does it launch [`BenchApp`], the
//! same page under a root that also runs this hook.

use std::sync::OnceLock;
use std::time::Instant;

use dioxus::prelude::*;

use crate::service::{Intent, Service, ServiceConfig};
use crate::state::{AppState, ListQuery, Screen, Update};

static START: OnceLock<Instant> = OnceLock::new();

/// Whether the benchmark hook is asked for (`PENDATA_BENCH_PIN` is set).
pub fn enabled() -> bool {
    std::env::var_os("PENDATA_BENCH_PIN").is_some()
}

/// The benchmark's root: the same page and service as [`crate::App`], with the hook watching
/// every update after it was applied.
#[component]
pub fn BenchApp(config: ServiceConfig) -> Element {
    crate::use_root(config, |mut state, svc, mut updates| async move {
        let mut hook = Hook::from_env();
        if let Some(hook) = hook.as_mut() {
            // The unlock screen may be there from the first render on.
            hook.start(&svc, state).await;
        }
        while let Some(u) = updates.recv().await {
            state.write().apply(u.clone());
            if let Some(hook) = hook.as_mut() {
                hook.after(&u, &svc, state).await;
            }
        }
    });
    rsx! { crate::Page {} }
}

/// Call first thing in `main`: the benchmark's time origin.
pub fn mark_process_start() {
    let _ = START.set(Instant::now());
}

fn since_start_ms() -> f64 {
    START
        .get()
        .map(|s| s.elapsed().as_secs_f64() * 1000.0)
        .unwrap_or(f64::NAN)
}

/// The hook's state in the root's update loop; `None` (no effect) without the env var.
pub struct Hook {
    pin: String,
    /// The root component's first render (the hook is made there).
    root_ms: f64,
    /// `NeedsUnlock` from the worker (after the submit when the first render was already the
    /// unlock screen), and when the unlock screen's check script started.
    needs_unlock_ms: f64,
    unlock_script_ms: f64,
    unlock_screen_ms: f64,
    unlock_start_ms: f64,
    unlocked_ms: f64,
    done: bool,
}

impl Hook {
    pub fn from_env() -> Option<Hook> {
        let pin = std::env::var("PENDATA_BENCH_PIN").ok()?;
        Some(Hook {
            pin,
            root_ms: since_start_ms(),
            needs_unlock_ms: f64::NAN,
            unlock_script_ms: f64::NAN,
            unlock_screen_ms: f64::NAN,
            unlock_start_ms: f64::NAN,
            unlocked_ms: f64::NAN,
            done: false,
        })
    }

    /// Before the first update: when the first render already shows the unlock screen, unlock
    /// from there (updates wait in their channel meanwhile).
    pub async fn start(&mut self, svc: &Service, state: Signal<AppState>) {
        if state.peek().screen == Screen::Unlock {
            self.unlock_when_drawn(svc).await;
        }
    }

    /// A person types the PIN only once the unlock screen is there: wait until its PIN field
    /// is in the DOM and a frame was drawn, then submit.
    async fn unlock_when_drawn(&mut self, svc: &Service) {
        let seen = dom_count(r#"[data-t="unlock-pin"]"#).await;
        self.unlock_script_ms = seen.script_start_ms;
        self.unlock_screen_ms = if seen.count > 0 {
            since_start_ms()
        } else {
            f64::NAN
        };
        self.unlock_start_ms = since_start_ms();
        svc.send(Intent::Unlock {
            pin: self.pin.clone(),
        });
    }

    /// Sees each update after it was applied: unlocks, then opens the work list, then reports.
    pub async fn after(&mut self, u: &Update, svc: &Service, mut state: Signal<AppState>) {
        match u {
            Update::NeedsUnlock if self.needs_unlock_ms.is_nan() => {
                self.needs_unlock_ms = since_start_ms();
                if self.unlock_start_ms.is_nan() {
                    self.unlock_when_drawn(svc).await;
                }
            }
            Update::Unlocked { .. } if self.unlocked_ms.is_nan() => {
                self.unlocked_ms = since_start_ms();
                // What the "Daftar kerja" button does.
                state.write().screen = Screen::List;
                svc.send(Intent::Search(ListQuery::default()));
            }
            Update::List(_) if !self.done => {
                self.done = true;
                let list_received_ms = since_start_ms();
                // Wait until the rows are in the DOM and a frame has been drawn.
                let seen = dom_count(r#"[data-t^="open-household-"]"#).await;
                let rows = seen.count;
                let first_list_ms = since_start_ms();
                let (tree_rss, tree_pss, processes) = tree_memory_kb();
                println!(
                    "pendata-bench first_list_ms={first_list_ms:.1} unlock_screen_ms={:.1} unlock_start_ms={:.1} \
                     unlocked_ms={:.1} list_received_ms={list_received_ms:.1} rows={rows} rss_kb={} tree_rss_kb={tree_rss} \
                     tree_pss_kb={tree_pss} processes={processes} list_script_start_ms={:.1} \
                     list_seen_ms={:.1} list_frames={} root_ms={:.1} needs_unlock_ms={:.1} \
                     unlock_script_ms={:.1}",
                    self.unlock_screen_ms,
                    self.unlock_start_ms,
                    self.unlocked_ms,
                    status_kb(std::process::id(), "VmRSS:"),
                    seen.script_start_ms,
                    seen.seen_ms,
                    seen.frames,
                    self.root_ms,
                    self.needs_unlock_ms,
                    self.unlock_script_ms,
                );
                use std::io::Write as _;
                let _ = std::io::stdout().flush();
                if std::env::var("PENDATA_BENCH_EXIT").is_ok_and(|v| v == "1") {
                    #[cfg(feature = "desktop")]
                    dioxus::desktop::window().close();
                    #[cfg(not(feature = "desktop"))]
                    std::process::exit(0);
                }
            }
            _ => {}
        }
    }
}

/// What [`dom_count`] saw: matches, animation frames waited, and when (ms since
/// [`mark_process_start`], from the page's clock) the script started and saw the matches.
struct DomSeen {
    count: u64,
    frames: u64,
    script_start_ms: f64,
    seen_ms: f64,
}

/// How many elements match `selector` once there is at least one (checked after each
/// animation frame, so the match has been laid out and drawn); 0 after ~3000 frames.
async fn dom_count(selector: &str) -> DomSeen {
    let js = format!(
        r#"
        const t0 = Date.now();
        for (let i = 0; i < 3000; i++) {{
            await new Promise((ok) => requestAnimationFrame(() => ok()));
            const n = document.querySelectorAll({selector:?}).length;
            if (n > 0) {{ return [n, i + 1, t0, Date.now()]; }}
        }}
        return [0, 3000, t0, Date.now()];
        "#
    );
    let v = document::eval(&js)
        .join::<Vec<f64>>()
        .await
        .unwrap_or_default();
    let at = |i: usize| v.get(i).copied().unwrap_or(f64::NAN);
    // The page's clock is the wall clock: map it onto the benchmark's origin.
    let wall_now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs_f64() * 1000.0)
        .unwrap_or(f64::NAN);
    let origin = wall_now_ms - since_start_ms();
    DomSeen {
        count: at(0).max(0.0) as u64,
        frames: at(1).max(0.0) as u64,
        script_start_ms: at(2) - origin,
        seen_ms: at(3) - origin,
    }
}

/// A `kB` line of `/proc/PID/status` (0 when unreadable).
fn status_kb(pid: u32, key: &str) -> u64 {
    kb_line(&format!("/proc/{pid}/status"), key)
}

fn kb_line(path: &str, key: &str) -> u64 {
    std::fs::read_to_string(path)
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix(key))
                .and_then(|v| v.split_whitespace().next()?.parse().ok())
        })
        .unwrap_or(0)
}

/// VmRSS and Pss summed over this process and its descendants, and how many there are.
fn tree_memory_kb() -> (u64, u64, usize) {
    let me = std::process::id();
    let mut parent = Vec::new();
    if let Ok(entries) = std::fs::read_dir("/proc") {
        for e in entries.flatten() {
            let Some(pid) = e.file_name().to_str().and_then(|n| n.parse::<u32>().ok()) else {
                continue;
            };
            // /proc/PID/stat: "pid (comm) state ppid ..."; comm may hold spaces or ')'.
            let ppid = std::fs::read_to_string(format!("/proc/{pid}/stat"))
                .ok()
                .and_then(|s| {
                    let rest = s.rsplit_once(')')?.1;
                    rest.split_whitespace().nth(1)?.parse::<u32>().ok()
                });
            if let Some(ppid) = ppid {
                parent.push((pid, ppid));
            }
        }
    }
    let mut tree = vec![me];
    let mut grew = true;
    while grew {
        grew = false;
        for (pid, ppid) in &parent {
            if tree.contains(ppid) && !tree.contains(pid) {
                tree.push(*pid);
                grew = true;
            }
        }
    }
    let rss = tree.iter().map(|p| status_kb(*p, "VmRSS:")).sum();
    let pss = tree
        .iter()
        .map(|p| kb_line(&format!("/proc/{p}/smaps_rollup"), "Pss:"))
        .sum();
    (rss, pss, tree.len())
}
