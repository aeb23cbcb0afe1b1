//! The fault-injecting proxy against a tiny counting server on a real socket, with reqwest (and a
//! raw socket where exact byte counts matter) as the client: every fault does what it says, seeded
//! schedules replay exactly, and the counters are right.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use axum::Router;
use pendata_e2e::proxy::{Fault, FaultProbabilities, FaultSchedule, Proxy};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// What the counting server has seen.
#[derive(Default)]
struct Counters {
    /// Handlers entered (the head arrived).
    started: AtomicU64,
    /// Handlers that read the whole body and answered.
    completed: AtomicU64,
    /// Handlers whose body broke off.
    body_errors: AtomicU64,
}

/// `POST /echo`: counts, reads the whole body, answers `count=N` followed by the body.
async fn echo(State(c): State<Arc<Counters>>, body: Body) -> (StatusCode, Vec<u8>) {
    c.started.fetch_add(1, Ordering::SeqCst);
    match axum::body::to_bytes(body, 64 * 1024 * 1024).await {
        Ok(bytes) => {
            let n = c.completed.fetch_add(1, Ordering::SeqCst) + 1;
            let mut out = format!("count={n}\n").into_bytes();
            out.extend_from_slice(&bytes);
            (StatusCode::OK, out)
        }
        Err(_) => {
            c.body_errors.fetch_add(1, Ordering::SeqCst);
            (StatusCode::BAD_REQUEST, b"body error".to_vec())
        }
    }
}

async fn counting_server() -> (SocketAddr, Arc<Counters>) {
    let counters = Arc::new(Counters::default());
    let app = Router::new()
        .route("/echo", post(echo))
        .with_state(counters.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    (addr, counters)
}

async fn start(schedule: FaultSchedule) -> (Proxy, Arc<Counters>) {
    let (addr, counters) = counting_server().await;
    let proxy = Proxy::start(addr, schedule).await.unwrap();
    (proxy, counters)
}

/// POST `body` through the proxy; the whole answer or the error.
async fn post_echo(
    http: &reqwest::Client,
    proxy: &Proxy,
    body: Vec<u8>,
) -> reqwest::Result<Vec<u8>> {
    let resp = http
        .post(format!("{}/echo", proxy.url()))
        .body(body)
        .send()
        .await?
        .error_for_status()?;
    Ok(resp.bytes().await?.to_vec())
}

fn payload(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i % 251) as u8).collect()
}

/// Wait (at most 10 s, a guard against hanging, not a timing assertion) until `cond` holds.
async fn eventually(what: &str, cond: impl Fn() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !cond() {
        assert!(Instant::now() < deadline, "never happened: {what}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[tokio::test]
async fn pass_forwards_on_one_keep_alive_connection() {
    let (proxy, c) = start(FaultSchedule::none()).await;
    let http = reqwest::Client::new();
    for i in 1..=3u64 {
        let body = payload(1000 * i as usize);
        let answer = post_echo(&http, &proxy, body.clone()).await.unwrap();
        let mut expected = format!("count={i}\n").into_bytes();
        expected.extend_from_slice(&body);
        assert_eq!(answer, expected);
    }
    let s = proxy.stats();
    assert_eq!(s.connections, 1, "keep-alive reuses one connection");
    assert_eq!(s.requests_seen, 3);
    assert_eq!(s.requests_upstream, 3);
    assert_eq!(s.responses_delivered, 3);
    assert_eq!(s.faults.pass, 3);
    assert_eq!(s.faults.injected(), 0);
    assert!(
        s.bytes_upstream > 6000 && s.bytes_downstream > 6000,
        "{s:?}"
    );
    assert_eq!(c.completed.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn byte_counts_are_exact_for_content_length_and_chunked_requests() {
    let (proxy, c) = start(FaultSchedule::none()).await;
    let mut sock = tokio::net::TcpStream::connect(proxy.addr()).await.unwrap();
    let first = b"POST /echo HTTP/1.1\r\nhost: x\r\ncontent-length: 5\r\n\r\nhallo".to_vec();
    let second = b"POST /echo HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n3;ext=1\r\nabc\r\n2\r\nde\r\n0\r\nx-trailer: 1\r\n\r\n".to_vec();
    // Both requests written at once (pipelined): the proxy must split them by their framing.
    let mut both = first.clone();
    both.extend_from_slice(&second);
    sock.write_all(&both).await.unwrap();
    let mut got = Vec::new();
    sock.read_to_end(&mut got).await.unwrap();
    let text = String::from_utf8_lossy(&got);
    assert_eq!(text.matches("HTTP/1.1 200 OK").count(), 2, "{text}");
    assert!(text.contains("count=1\nhallo"), "{text}");
    assert!(text.contains("count=2\nabcde"), "{text}");

    let s = proxy.stats();
    assert_eq!(s.requests_seen, 2);
    assert_eq!(s.responses_delivered, 2);
    assert_eq!(s.bytes_upstream, both.len() as u64);
    assert_eq!(s.bytes_downstream, got.len() as u64);
    assert_eq!(c.completed.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn drop_response_commits_on_the_server_but_the_client_gets_an_error() {
    let (proxy, c) = start(FaultSchedule::none()).await;
    let http = reqwest::Client::new();
    post_echo(&http, &proxy, payload(10)).await.unwrap();

    proxy.set_schedule(FaultSchedule::script(vec![Fault::DropResponse]));
    let lost = post_echo(&http, &proxy, payload(10)).await;
    assert!(lost.is_err(), "the answer was dropped, got {lost:?}");
    assert_eq!(
        c.completed.load(Ordering::SeqCst),
        2,
        "the server committed"
    );

    // The script is used up: the next request passes.
    let answer = post_echo(&http, &proxy, payload(10)).await.unwrap();
    assert!(answer.starts_with(b"count=3\n"));
    let s = proxy.stats();
    assert_eq!(s.faults.drop_response, 1);
    assert_eq!(s.faults.pass, 2);
    assert_eq!(s.requests_upstream, 3);
    assert_eq!(s.responses_delivered, 2);
    assert_eq!(
        proxy.fault_log(),
        vec![Fault::Pass, Fault::DropResponse, Fault::Pass]
    );
}

#[tokio::test]
async fn duplicate_reaches_the_server_twice_and_the_client_once() {
    let (proxy, c) = start(FaultSchedule::script(vec![Fault::Duplicate])).await;
    let http = reqwest::Client::new();
    let answer = post_echo(&http, &proxy, payload(500)).await.unwrap();
    assert!(
        answer.starts_with(b"count=2\n"),
        "the client gets the replay's answer"
    );
    assert_eq!(c.completed.load(Ordering::SeqCst), 2);
    let s = proxy.stats();
    assert_eq!(s.requests_seen, 1);
    assert_eq!(s.requests_upstream, 2);
    assert_eq!(s.responses_delivered, 1);
    assert_eq!(s.faults.duplicate, 1);

    // The connection is still usable afterwards.
    let answer = post_echo(&http, &proxy, payload(5)).await.unwrap();
    assert!(answer.starts_with(b"count=3\n"));
}

#[tokio::test]
async fn cut_request_leaves_the_server_with_a_truncated_body() {
    let (proxy, c) = start(FaultSchedule::script(vec![Fault::CutRequest {
        after_bytes: 100,
    }]))
    .await;
    let http = reqwest::Client::new();
    let body = payload(10_000);
    let r = post_echo(&http, &proxy, body.clone()).await;
    assert!(r.is_err(), "the request was cut, got {r:?}");
    eventually("the server's body read fails", || {
        c.body_errors.load(Ordering::SeqCst) == 1
    })
    .await;
    assert_eq!(c.started.load(Ordering::SeqCst), 1);
    assert_eq!(c.completed.load(Ordering::SeqCst), 0);
    let s = proxy.stats();
    assert_eq!(s.faults.cut_request, 1);
    assert_eq!(s.requests_upstream, 0, "no whole request went upstream");
    assert!(
        s.bytes_upstream > 100 && s.bytes_upstream < 100 + 1000,
        "head plus 100 body bytes, got {}",
        s.bytes_upstream
    );
    assert_eq!(s.bytes_downstream, 0);
}

#[tokio::test]
async fn cut_request_without_a_body_cuts_the_head() {
    let (proxy, c) = start(FaultSchedule::script(vec![Fault::CutRequest {
        after_bytes: 0,
    }]))
    .await;
    let http = reqwest::Client::new();
    let r = post_echo(&http, &proxy, Vec::new()).await;
    assert!(r.is_err(), "the request was cut, got {r:?}");
    // Then a whole request passes and is the first the server ever completes.
    let answer = post_echo(&http, &proxy, b"ok".to_vec()).await.unwrap();
    assert_eq!(answer, b"count=1\nok");
    assert_eq!(c.started.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn cut_response_gives_the_client_part_of_a_processed_answer() {
    let (proxy, c) = start(FaultSchedule::script(vec![Fault::CutResponse {
        after_bytes: 200,
    }]))
    .await;
    let http = reqwest::Client::new();
    let r = post_echo(&http, &proxy, payload(10_000)).await;
    assert!(r.is_err(), "the response was cut, got {r:?}");
    assert_eq!(
        c.completed.load(Ordering::SeqCst),
        1,
        "the server processed it"
    );
    let s = proxy.stats();
    assert_eq!(s.faults.cut_response, 1);
    assert_eq!(s.bytes_downstream, 200);
    assert_eq!(s.responses_delivered, 0);

    // A cut inside the head is an error too.
    proxy.set_schedule(FaultSchedule::script(vec![Fault::CutResponse {
        after_bytes: 10,
    }]));
    let r = post_echo(&http, &proxy, payload(10)).await;
    assert!(r.is_err(), "the head was cut, got {r:?}");
    assert_eq!(c.completed.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn delays_hold_the_request_or_the_response_at_least_as_long_as_asked() {
    let (proxy, c) = start(FaultSchedule::script(vec![
        Fault::Delay { ms: 300 },
        Fault::DelayResponse { ms: 300 },
        // Over the cap: held for at most MAX_DELAY_MS, so the test stays bounded.
        Fault::Delay { ms: 60_000 },
    ]))
    .await;
    let http = reqwest::Client::new();

    let t = Instant::now();
    let answer = post_echo(&http, &proxy, b"a".to_vec()).await.unwrap();
    assert!(t.elapsed() >= Duration::from_millis(300));
    assert_eq!(answer, b"count=1\na");

    let t = Instant::now();
    let answer = post_echo(&http, &proxy, b"b".to_vec()).await.unwrap();
    assert!(t.elapsed() >= Duration::from_millis(300));
    assert_eq!(answer, b"count=2\nb");

    let t = Instant::now();
    post_echo(&http, &proxy, b"c".to_vec()).await.unwrap();
    assert!(t.elapsed() >= Duration::from_millis(2_000));

    assert_eq!(
        proxy.fault_log(),
        vec![
            Fault::Delay { ms: 300 },
            Fault::DelayResponse { ms: 300 },
            Fault::Delay { ms: 2_000 },
        ]
    );
    assert_eq!(c.completed.load(Ordering::SeqCst), 3);
    let s = proxy.stats();
    assert_eq!((s.faults.delay, s.faults.delay_response), (2, 1));
}

#[test]
fn seeded_schedules_replay_from_the_seed() {
    let probs = FaultProbabilities {
        max_delay_ms: 50,
        max_cut_bytes: 4000,
        ..FaultProbabilities::each(0.1)
    };
    let draw = |seed: u64| {
        let mut s = FaultSchedule::seeded(seed, probs);
        (0..2000).map(|_| s.next_fault()).collect::<Vec<_>>()
    };
    let a = draw(7);
    assert_eq!(a, draw(7), "seed 7 must replay");
    assert_ne!(a, draw(8), "another seed, another sequence");

    // Every kind occurs, parameters stay in range, and Pass takes about the remaining 40 %.
    let has = |f: fn(&Fault) -> bool| a.iter().any(f);
    assert!(has(|f| matches!(f, Fault::CutRequest { .. })));
    assert!(has(|f| matches!(f, Fault::CutResponse { .. })));
    assert!(has(|f| matches!(f, Fault::DropResponse)));
    assert!(has(|f| matches!(f, Fault::Delay { .. })));
    assert!(has(|f| matches!(f, Fault::DelayResponse { .. })));
    assert!(has(|f| matches!(f, Fault::Duplicate)));
    let passes = a.iter().filter(|f| **f == Fault::Pass).count();
    assert!(
        (600..1000).contains(&passes),
        "seed 7: {passes} passes of 2000"
    );
    for f in &a {
        match *f {
            Fault::Delay { ms } | Fault::DelayResponse { ms } => assert!(ms <= 50, "seed 7: {f:?}"),
            Fault::CutRequest { after_bytes } | Fault::CutResponse { after_bytes } => {
                assert!(after_bytes <= 4000, "seed 7: {f:?}")
            }
            _ => {}
        }
    }

    let mut none = FaultSchedule::seeded(7, FaultProbabilities::none());
    assert!((0..100).all(|_| none.next_fault() == Fault::Pass));
    let mut script = FaultSchedule::script(vec![Fault::Duplicate, Fault::DropResponse]);
    let got: Vec<_> = (0..4).map(|_| script.next_fault()).collect();
    assert_eq!(
        got,
        vec![
            Fault::Duplicate,
            Fault::DropResponse,
            Fault::Pass,
            Fault::Pass
        ]
    );
    assert_eq!(FaultSchedule::seeded(7, probs).seed(), Some(7));
    assert!(FaultSchedule::seeded(7, probs)
        .to_string()
        .contains("seed=7"));
}

/// One randomized run: 40 sequential requests through a seeded proxy. Returns the faults applied,
/// which requests failed at the client, and how many requests the server completed.
async fn seeded_run(seed: u64) -> (Vec<Fault>, Vec<bool>, u64, Proxy) {
    let probs = FaultProbabilities {
        max_delay_ms: 20,
        max_cut_bytes: 3000,
        ..FaultProbabilities::each(0.1)
    };
    let (proxy, c) = start(FaultSchedule::seeded(seed, probs)).await;
    let http = reqwest::Client::new();
    let mut failed = Vec::new();
    for _ in 0..40 {
        failed.push(post_echo(&http, &proxy, payload(2000)).await.is_err());
    }
    let completed = c.completed.load(Ordering::SeqCst);
    (proxy.fault_log(), failed, completed, proxy)
}

#[tokio::test]
async fn a_seeded_proxy_run_replays_exactly() {
    let seed = 0x5EED_2026;
    let (log_a, failed_a, completed_a, proxy) = seeded_run(seed).await;
    let hint = proxy.replay_hint();
    let (log_b, failed_b, completed_b, _) = seeded_run(seed).await;
    assert_eq!(log_a, log_b, "{hint}");
    assert_eq!(failed_a, failed_b, "{hint}");
    assert_eq!(completed_a, completed_b, "{hint}");

    // The log is the schedule's own sequence, and each fault had its effect.
    let probs = FaultProbabilities {
        max_delay_ms: 20,
        max_cut_bytes: 3000,
        ..FaultProbabilities::each(0.1)
    };
    let mut schedule = FaultSchedule::seeded(seed, probs);
    let expected: Vec<_> = (0..40).map(|_| schedule.next_fault()).collect();
    assert_eq!(log_a, expected, "{hint}");
    let mut expected_completed = 0;
    for (f, failed) in log_a.iter().zip(&failed_a) {
        let should_fail = matches!(
            f,
            Fault::CutRequest { .. } | Fault::CutResponse { .. } | Fault::DropResponse
        );
        assert_eq!(*failed, should_fail, "{f:?}: {hint}");
        expected_completed += match f {
            Fault::CutRequest { .. } => 0,
            Fault::Duplicate => 2,
            _ => 1,
        };
    }
    assert_eq!(completed_a, expected_completed, "{hint}");
    let s = proxy.stats();
    assert_eq!(s.requests_seen, 40, "{hint}");
    assert!(s.faults.injected() > 0, "{hint}");
    assert_eq!(s.faults.injected() + s.faults.pass, 40, "{hint}");
}
