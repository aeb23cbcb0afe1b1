//! Many devices pushing and pulling in a closed loop with no pause, for the load figures of
//! ingest_bench (SQLite) and pg_bench (PostgreSQL + S3): errors, p50/p99 latency and a
//! /healthz probe during the load. Each device's bodies (5 new households each) are built and
//! hashed before the clock starts, as phones do on their own CPUs; one that runs out builds
//! more in the loop (`bodies_built_during_run`).
//!
//! Included with `#[path]` beside `common/push.rs` (as `mod push`).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use pendata_shared::protocol::PushRecord;
use serde_json::{json, Value};

use crate::push::{batch_body, household, percentile, push_request, record};

/// Runs the load: device `d` (its token `tokens[d]`) talks to `bases[d % bases.len()]` for
/// `seconds`, with `per_device` bodies built for it beforehand; households are numbered from
/// `first_serial` up. The probe asks `bases[0]`. Answers the `load` object of the report.
pub async fn run(
    http: &reqwest::Client,
    bases: &[String],
    tokens: Vec<String>,
    seconds: u64,
    per_device: usize,
    first_serial: u64,
) -> Value {
    let devices = tokens.len();
    let counter = Arc::new(AtomicU64::new(
        first_serial + (devices * per_device * 5) as u64,
    ));
    let mut queues: Vec<Vec<Vec<u8>>> = (0..devices)
        .map(|_| Vec::with_capacity(per_device))
        .collect();
    {
        let starts: Vec<u64> = (0..devices)
            .map(|d| first_serial + (d * per_device * 5) as u64)
            .collect();
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let chunk = devices.div_ceil(cores.max(1)).max(1);
        std::thread::scope(|scope| {
            for (qs, ss) in queues.chunks_mut(chunk).zip(starts.chunks(chunk)) {
                scope.spawn(move || {
                    for (q, start) in qs.iter_mut().zip(ss) {
                        for b in 0..per_device as u64 {
                            let n = start + b * 5;
                            let records: Vec<PushRecord> =
                                (n..n + 5).map(|i| record(&household(i))).collect();
                            q.push(batch_body(&records));
                        }
                        // Popped from the end: send in the order built.
                        q.reverse();
                    }
                });
            }
        });
    }
    let errors = Arc::new(AtomicU64::new(0));
    let built_in_loop = Arc::new(AtomicU64::new(0));
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let mut tasks = Vec::new();
    for (d, (token, mut queue)) in tokens.into_iter().zip(queues).enumerate() {
        let (http, base, errors, counter, built_in_loop) = (
            http.clone(),
            bases[d % bases.len()].clone(),
            errors.clone(),
            counter.clone(),
            built_in_loop.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut cursor = String::new();
            while Instant::now() < deadline {
                let body = match queue.pop() {
                    Some(body) => body,
                    None => {
                        built_in_loop.fetch_add(1, Ordering::Relaxed);
                        let n = counter.fetch_add(5, Ordering::Relaxed);
                        let records: Vec<PushRecord> =
                            (n..n + 5).map(|i| record(&household(i))).collect();
                        batch_body(&records)
                    }
                };
                let t = Instant::now();
                // The answer is read, as the sync engine reads its results (an unread body
                // would also cost the connection).
                let ok = match push_request(&http, &base, &token, body).send().await {
                    Ok(r) => {
                        let success = r.status().is_success();
                        r.bytes().await.is_ok() && success
                    }
                    Err(_) => false,
                };
                latencies.push(t.elapsed().as_secs_f64());
                if !ok {
                    errors.fetch_add(1, Ordering::Relaxed);
                }
                let t = Instant::now();
                let page = http
                    .get(format!("{base}/api/v1/pull?cursor={cursor}&limit=100"))
                    .bearer_auth(&token)
                    .send()
                    .await;
                match page {
                    Ok(r) if r.status().is_success() => {
                        if let Ok(v) = r.json::<Value>().await {
                            cursor = v["next_cursor"].as_str().unwrap_or("").to_owned();
                        }
                    }
                    _ => {
                        errors.fetch_add(1, Ordering::Relaxed);
                    }
                }
                latencies.push(t.elapsed().as_secs_f64());
            }
            latencies
        }));
    }
    let probe = {
        let (http, base) = (http.clone(), bases[0].clone());
        tokio::spawn(async move {
            let mut worst: f64 = 0.0;
            let mut failures = 0u64;
            let mut probes = 0u64;
            while Instant::now() < deadline {
                let t = Instant::now();
                let ok = http
                    .get(format!("{base}/healthz"))
                    .send()
                    .await
                    .map(|r| r.status().is_success())
                    .unwrap_or(false);
                worst = worst.max(t.elapsed().as_secs_f64());
                probes += 1;
                if !ok {
                    failures += 1;
                }
                tokio::time::sleep(Duration::from_millis(250)).await;
            }
            (probes, failures, worst)
        })
    };
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.unwrap());
    }
    let (probes, probe_failures, probe_worst) = probe.await.unwrap();
    all.sort_by(|a, b| a.total_cmp(b));
    let requests = all.len();
    json!({
        "devices": devices,
        "server_processes": bases.len(),
        "seconds": seconds,
        "requests": requests,
        "requests_per_s": (requests as f64 / seconds as f64 * 10.0).round() / 10.0,
        "bodies_prebuilt_per_device": per_device,
        "bodies_built_during_run": built_in_loop.load(Ordering::Relaxed),
        "errors": errors.load(Ordering::Relaxed),
        "p50_ms": (percentile(&all, 0.50) * 1000.0).round(),
        "p99_ms": (percentile(&all, 0.99) * 1000.0).round(),
        "max_ms": (all.last().copied().unwrap_or(0.0) * 1000.0).round(),
        "goal_p99_ms": 1000,
        "healthz_probes": probes,
        "healthz_failures": probe_failures,
        "healthz_worst_ms": (probe_worst * 1000.0).round(),
    })
}
