//! Retrying with exponential backoff and full jitter.
//!
//! Only faults are retried: network errors, timeouts, 408, 429 (after its `Retry-After`) and
//! 5xx. Any other 4xx is the server's answer and comes back at once. Sleeping goes through
//! [`Sleeper`] so tests run without waiting.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use super::client::ClientError;

/// How long and how often to retry one step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Ceiling of the first wait; it doubles with each retry.
    pub base: Duration,
    /// Largest ceiling.
    pub cap: Duration,
    /// Most attempts of one step, the first included.
    pub max_tries: u32,
    /// Longest `Retry-After` honoured as given (longer ones are cut to this).
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            base: Duration::from_millis(500),
            cap: Duration::from_secs(60),
            max_tries: 8,
            max_retry_after: Duration::from_secs(15 * 60),
        }
    }
}

impl RetryPolicy {
    /// The ceiling of the wait before retry number `retry` (0 for the first retry):
    /// `min(cap, base * 2^retry)`.
    pub fn ceiling(&self, retry: u32) -> Duration {
        let factor = 2u32.checked_pow(retry).unwrap_or(u32::MAX);
        self.base
            .checked_mul(factor)
            .map_or(self.cap, |d| d.min(self.cap))
    }

    /// The wait before retry number `retry`: full jitter, `unit` (in `[0, 1)`) of the ceiling;
    /// a server's `Retry-After` wins when given.
    pub fn delay(&self, retry: u32, unit: f64, retry_after: Option<Duration>) -> Duration {
        if let Some(after) = retry_after {
            return after.min(self.max_retry_after);
        }
        let unit = if unit.is_finite() {
            unit.clamp(0.0, 1.0)
        } else {
            0.0
        };
        self.ceiling(retry).mul_f64(unit)
    }
}

/// Waits. The engine uses [`TokioSleeper`]; tests record the waits instead.
pub trait Sleeper: Send + Sync {
    fn sleep(&self, d: Duration) -> Pin<Box<dyn Future<Output = ()> + Send + '_>>;
}

/// Sleeps on the tokio timer.
#[cfg(not(all(target_family = "wasm", target_os = "unknown")))]
#[derive(Debug, Clone, Copy, Default)]
pub struct TokioSleeper;

#[cfg(not(all(target_family = "wasm", target_os = "unknown")))]
impl Sleeper for TokioSleeper {
    fn sleep(&self, d: Duration) -> Pin<Box<dyn Future<Output = ()> + Send + '_>> {
        Box::pin(tokio::time::sleep(d))
    }
}

/// The sleeper a [`Client`](super::Client) uses unless told otherwise.
#[cfg(not(all(target_family = "wasm", target_os = "unknown")))]
pub type PlatformSleeper = TokioSleeper;
/// The sleeper a [`Client`](super::Client) uses unless told otherwise.
#[cfg(all(target_family = "wasm", target_os = "unknown"))]
pub type PlatformSleeper = crate::web::JsSleeper;

/// Whether an error is a fault worth retrying (and not an answer).
pub fn is_retryable(e: &ClientError) -> bool {
    match e {
        ClientError::Network { .. } | ClientError::Timeout { .. } => true,
        ClientError::Status { status, .. } => {
            *status == 408 || *status == 429 || (500..=599).contains(status)
        }
        ClientError::BadResponse { .. } | ClientError::Config { .. } => false,
    }
}

/// Runs `op` until it succeeds, fails with an answer, or has been tried `max_tries` times.
/// `unit` gives jitter fractions in `[0, 1)`. Returns the value or the last error.
pub async fn retry<T, F, Fut>(
    policy: &RetryPolicy,
    sleeper: &dyn Sleeper,
    unit: &mut (dyn FnMut() -> f64 + Send),
    mut op: F,
) -> Result<T, ClientError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, ClientError>>,
{
    let tries = policy.max_tries.max(1);
    let mut attempt = 0;
    loop {
        match op().await {
            Ok(v) => return Ok(v),
            Err(e) => {
                attempt += 1;
                if attempt >= tries || !is_retryable(&e) {
                    return Err(e);
                }
                let wait = policy.delay(attempt - 1, unit(), e.retry_after());
                tracing::warn!(
                    code = e.code(),
                    attempt,
                    wait_ms = wait.as_millis() as u64,
                    "sync step failed; retrying"
                );
                sleeper.sleep(wait).await;
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use pendata_shared::protocol::ErrorBody;
    use std::sync::Mutex;

    #[derive(Default)]
    struct Recorder(Mutex<Vec<Duration>>);

    impl Sleeper for Recorder {
        fn sleep(&self, d: Duration) -> Pin<Box<dyn Future<Output = ()> + Send + '_>> {
            self.0.lock().unwrap().push(d);
            Box::pin(std::future::ready(()))
        }
    }

    fn status(code: u16, retry_after: Option<u64>) -> ClientError {
        ClientError::Status {
            status: code,
            body: ErrorBody {
                code: format!("test.{code}"),
                message: "uji".into(),
                message_en: None,
                received: None,
            },
            retry_after: retry_after.map(Duration::from_secs),
        }
    }

    fn timeout() -> ClientError {
        ClientError::Timeout {
            detail: "uji".into(),
        }
    }

    /// Runs `retry` over a script of results; returns (outcome, calls made, waits).
    fn run(
        script: Vec<Result<u32, ClientError>>,
        unit: f64,
    ) -> (Result<u32, String>, usize, Vec<Duration>) {
        let rec = Recorder::default();
        let mut script = script.into_iter();
        let mut calls = 0;
        let mut jitter = move || unit;
        let out = block_on(retry(&RetryPolicy::default(), &rec, &mut jitter, || {
            calls += 1;
            let next = script.next().unwrap_or_else(|| Err(status(599, None)));
            std::future::ready(next)
        }));
        let waits = rec.0.lock().unwrap().clone();
        (out.map_err(|e| e.code().to_owned()), calls, waits)
    }

    fn block_on<F: Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(f)
    }

    #[test]
    fn ceilings_double_from_half_a_second_to_a_minute() {
        let p = RetryPolicy::default();
        let got: Vec<u128> = (0..10).map(|r| p.ceiling(r).as_millis()).collect();
        assert_eq!(
            got,
            [500, 1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000, 60_000]
        );
        assert_eq!(p.ceiling(u32::MAX), Duration::from_secs(60));
    }

    #[test]
    fn full_jitter_is_a_fraction_of_the_ceiling() {
        let p = RetryPolicy::default();
        assert_eq!(p.delay(3, 0.0, None), Duration::ZERO);
        assert_eq!(p.delay(3, 0.5, None), Duration::from_secs(2));
        assert_eq!(p.delay(20, 0.25, None), Duration::from_secs(15));
        // Out-of-range jitter is clamped, never a panic or a huge wait.
        assert_eq!(p.delay(0, 7.0, None), Duration::from_millis(500));
        assert_eq!(p.delay(0, f64::NAN, None), Duration::ZERO);
    }

    #[test]
    fn retry_after_wins_and_is_bounded() {
        let p = RetryPolicy::default();
        assert_eq!(
            p.delay(0, 0.9, Some(Duration::from_secs(120))),
            Duration::from_secs(120)
        );
        assert_eq!(
            p.delay(0, 0.9, Some(Duration::from_secs(86_400))),
            Duration::from_secs(900)
        );
    }

    #[test]
    fn faults_are_retried_answers_are_not() {
        struct Case {
            name: &'static str,
            script: Vec<Result<u32, ClientError>>,
            outcome: Result<u32, &'static str>,
            calls: usize,
        }
        let cases = vec![
            Case {
                name: "success at once",
                script: vec![Ok(7)],
                outcome: Ok(7),
                calls: 1,
            },
            Case {
                name: "timeout then success",
                script: vec![Err(timeout()), Ok(7)],
                outcome: Ok(7),
                calls: 2,
            },
            Case {
                name: "5xx, 408 and 429 are retried",
                script: vec![
                    Err(status(500, None)),
                    Err(status(503, None)),
                    Err(status(408, None)),
                    Err(status(429, None)),
                    Ok(1),
                ],
                outcome: Ok(1),
                calls: 5,
            },
            Case {
                name: "401 is an answer",
                script: vec![Err(status(401, None)), Ok(7)],
                outcome: Err("test.401"),
                calls: 1,
            },
            Case {
                name: "409 is an answer",
                script: vec![Err(status(409, None))],
                outcome: Err("test.409"),
                calls: 1,
            },
            Case {
                name: "422 after a fault is returned",
                script: vec![Err(status(502, None)), Err(status(422, None))],
                outcome: Err("test.422"),
                calls: 2,
            },
            Case {
                name: "eight tries at most, then the last error",
                script: (0..20).map(|_| Err(status(500, None))).collect(),
                outcome: Err("test.500"),
                calls: 8,
            },
            Case {
                name: "a bad 2xx body is not retried",
                script: vec![Err(ClientError::BadResponse {
                    status: 200,
                    detail: "x".into(),
                })],
                outcome: Err("net.bad_response"),
                calls: 1,
            },
        ];
        for case in cases {
            let (out, calls, waits) = run(case.script, 0.5);
            assert_eq!(
                out,
                case.outcome.map_err(str::to_owned),
                "case {}",
                case.name
            );
            assert_eq!(calls, case.calls, "case {}", case.name);
            assert_eq!(
                waits.len(),
                calls - 1,
                "one wait between tries: {}",
                case.name
            );
        }
    }

    #[test]
    fn waits_follow_the_jittered_ceilings() {
        let (_, calls, waits) = run((0..8).map(|_| Err(timeout())).collect(), 0.5);
        assert_eq!(calls, 8);
        let ms: Vec<u128> = waits.iter().map(Duration::as_millis).collect();
        assert_eq!(ms, [250, 500, 1_000, 2_000, 4_000, 8_000, 16_000]);
    }

    #[test]
    fn a_429_waits_for_its_retry_after() {
        let (out, _, waits) = run(vec![Err(status(429, Some(42))), Ok(3)], 0.0);
        assert_eq!(out, Ok(3));
        assert_eq!(waits, [Duration::from_secs(42)]);
    }
}
