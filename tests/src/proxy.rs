//! A fault-injecting TCP proxy for HTTP/1.1, placed between a client and a server in end-to-end
//! tests.
//!
//! The proxy listens on `127.0.0.1:0`, reads each request from the client completely (request line,
//! headers, and a `Content-Length` or chunked body), asks its [`FaultSchedule`] what to do with it,
//! and then forwards it, cuts it, duplicates it, delays it, or loses the answer. Keep-alive
//! connections are supported: every request on a connection gets its own decision.
//!
//! Schedules are deterministic: a seeded schedule draws from a small PRNG (SplitMix64) seeded from a
//! `u64`, so the same seed gives the same sequence of faults. Decisions are taken in the order the
//! proxy reads requests; with one client sending one request at a time the whole run replays exactly
//! from the seed. With concurrent connections the sequence of faults is still the same, but which
//! request gets which fault depends on arrival order.
//!
//! A proxy may stand in front of several servers ([`Proxy::start_balanced`]), as a load balancer
//! in front of several server processes: each request goes to one of them, picked at random from
//! a seeded stream of its own (so the faults stay those of the schedule's seed), and a
//! [`Fault::Duplicate`] replays the request on the next server.
//!
//! The seed is printed (stderr, captured by the test harness and shown for failing tests) whenever a
//! seeded schedule is installed, and [`Proxy::replay_hint`] gives a one-line description to put into
//! assertion messages. `PENDATA_FAULT_SEED` overrides the seed of [`FaultSchedule::seeded_from_env`].

use std::collections::VecDeque;
use std::fmt;
use std::io;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::{JoinHandle, JoinSet};

/// Longest delay the proxy will ever hold a request or response, whatever the schedule says.
pub const MAX_DELAY_MS: u64 = 2_000;

/// Environment variable read by [`FaultSchedule::seeded_from_env`] (decimal or `0x` hex).
pub const SEED_ENV: &str = "PENDATA_FAULT_SEED";

/// Largest request or response head (request/status line plus headers) the proxy accepts.
const MAX_HEAD: usize = 64 * 1024;
/// Largest message body the proxy buffers.
const MAX_BODY: usize = 256 * 1024 * 1024;

/// What the proxy does with one request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Fault {
    /// Forward the request and its response unchanged.
    Pass,
    /// Forward the head and only the first `after_bytes` bytes of the body (clamped so the body is
    /// always truncated; a request without a body loses the end of its head), then close both sides.
    /// The server sees a truncated request; the client sees a connection error.
    CutRequest { after_bytes: usize },
    /// Forward the request, read the whole response, give the client only its first `after_bytes`
    /// bytes (clamped so at least one byte is missing), then close. The server has processed the
    /// request; the client sees an error.
    CutResponse { after_bytes: usize },
    /// Forward the request, read the whole response, and close the client's connection without
    /// sending any of it: the server committed, the acknowledgement is lost.
    DropResponse,
    /// Hold the request for `ms` milliseconds (at most [`MAX_DELAY_MS`]) before forwarding it.
    Delay { ms: u64 },
    /// Forward the request at once, then hold the response for `ms` milliseconds (at most
    /// [`MAX_DELAY_MS`]) before giving it to the client.
    DelayResponse { ms: u64 },
    /// Send the request to the server twice: first on the connection's upstream connection, then
    /// again on a second, fresh upstream connection once the first answer has arrived (to the
    /// next server when the proxy balances over several). The client gets the second answer (the
    /// replay's), which is what a client would see after a retry.
    Duplicate,
}

impl Fault {
    fn clamped(self) -> Self {
        match self {
            Fault::Delay { ms } => Fault::Delay {
                ms: ms.min(MAX_DELAY_MS),
            },
            Fault::DelayResponse { ms } => Fault::DelayResponse {
                ms: ms.min(MAX_DELAY_MS),
            },
            other => other,
        }
    }
}

/// Probability of each fault for a seeded schedule; whatever is left up to 1 is [`Fault::Pass`].
/// If the probabilities add up to more than 1 they are scaled down proportionally.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FaultProbabilities {
    pub cut_request: f64,
    pub cut_response: f64,
    pub drop_response: f64,
    pub delay: f64,
    pub delay_response: f64,
    pub duplicate: f64,
    /// Delays are drawn uniformly from `0..=max_delay_ms` (capped at [`MAX_DELAY_MS`]).
    pub max_delay_ms: u64,
    /// Cut points are drawn uniformly from `0..=max_cut_bytes`.
    pub max_cut_bytes: usize,
}

impl FaultProbabilities {
    /// Everything passes.
    pub fn none() -> Self {
        Self {
            cut_request: 0.0,
            cut_response: 0.0,
            drop_response: 0.0,
            delay: 0.0,
            delay_response: 0.0,
            duplicate: 0.0,
            max_delay_ms: 0,
            max_cut_bytes: 0,
        }
    }

    /// A hostile but still progressing link: each fault kind with probability `p`, delays up to
    /// 200 ms, cuts anywhere in the first 64 KiB.
    pub fn each(p: f64) -> Self {
        Self {
            cut_request: p,
            cut_response: p,
            drop_response: p,
            delay: p,
            delay_response: p,
            duplicate: p,
            max_delay_ms: 200,
            max_cut_bytes: 64 * 1024,
        }
    }

    fn weights(&self) -> [f64; 6] {
        let clean = |p: f64| if p.is_finite() && p > 0.0 { p } else { 0.0 };
        let w = [
            clean(self.cut_request),
            clean(self.cut_response),
            clean(self.drop_response),
            clean(self.delay),
            clean(self.delay_response),
            clean(self.duplicate),
        ];
        let sum: f64 = w.iter().sum();
        if sum > 1.0 {
            w.map(|x| x / sum)
        } else {
            w
        }
    }
}

/// SplitMix64: tiny, fast, and fully determined by its seed.
#[derive(Clone, Debug)]
struct SplitMix64(u64);

impl SplitMix64 {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `[0, 1)`.
    fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[derive(Clone, Debug)]
enum ScheduleKind {
    None,
    Script(VecDeque<Fault>),
    Seeded {
        rng: SplitMix64,
        probs: FaultProbabilities,
    },
}

/// Decides, request by request, which [`Fault`] the proxy applies.
#[derive(Clone, Debug)]
pub struct FaultSchedule {
    kind: ScheduleKind,
    seed: Option<u64>,
}

impl FaultSchedule {
    /// Every request passes.
    pub fn none() -> Self {
        Self {
            kind: ScheduleKind::None,
            seed: None,
        }
    }

    /// The given faults for the next requests, in order, then [`Fault::Pass`] forever.
    pub fn script(faults: Vec<Fault>) -> Self {
        Self {
            kind: ScheduleKind::Script(faults.into()),
            seed: None,
        }
    }

    /// Faults drawn at random with the given probabilities from a PRNG seeded with `seed`.
    pub fn seeded(seed: u64, probs: FaultProbabilities) -> Self {
        Self {
            kind: ScheduleKind::Seeded {
                rng: SplitMix64(seed),
                probs,
            },
            seed: Some(seed),
        }
    }

    /// Like [`FaultSchedule::seeded`], but the seed comes from `PENDATA_FAULT_SEED` when it is set
    /// (decimal or `0x` hex), so a failing randomized run can be replayed.
    pub fn seeded_from_env(default_seed: u64, probs: FaultProbabilities) -> Self {
        let seed = std::env::var(SEED_ENV)
            .ok()
            .and_then(|s| parse_seed(&s))
            .unwrap_or(default_seed);
        Self::seeded(seed, probs)
    }

    /// The seed of a seeded schedule.
    pub fn seed(&self) -> Option<u64> {
        self.seed
    }

    /// The fault for the next request.
    pub fn next_fault(&mut self) -> Fault {
        match &mut self.kind {
            ScheduleKind::None => Fault::Pass,
            ScheduleKind::Script(q) => q.pop_front().unwrap_or(Fault::Pass).clamped(),
            ScheduleKind::Seeded { rng, probs } => {
                let w = probs.weights();
                let u = rng.next_f64();
                // Always draw the parameter, so the stream advances by two values per request
                // whatever the kind.
                let param = rng.next_u64();
                let cut = |max: usize| {
                    if max == 0 {
                        0
                    } else {
                        (param % (max as u64 + 1)) as usize
                    }
                };
                let delay = || param % (probs.max_delay_ms.min(MAX_DELAY_MS) + 1);
                let mut acc = 0.0;
                let mut pick = 6;
                for (i, wi) in w.iter().enumerate() {
                    acc += wi;
                    if u < acc {
                        pick = i;
                        break;
                    }
                }
                match pick {
                    0 => Fault::CutRequest {
                        after_bytes: cut(probs.max_cut_bytes),
                    },
                    1 => Fault::CutResponse {
                        after_bytes: cut(probs.max_cut_bytes),
                    },
                    2 => Fault::DropResponse,
                    3 => Fault::Delay { ms: delay() },
                    4 => Fault::DelayResponse { ms: delay() },
                    5 => Fault::Duplicate,
                    _ => Fault::Pass,
                }
            }
        }
    }
}

impl fmt::Display for FaultSchedule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            ScheduleKind::None => write!(f, "fault schedule: none"),
            ScheduleKind::Script(q) => write!(f, "fault schedule: script, {} left", q.len()),
            ScheduleKind::Seeded { probs, .. } => write!(
                f,
                "fault schedule: seeded, seed={} (replay with {SEED_ENV}={}), {probs:?}",
                self.seed.unwrap_or_default(),
                self.seed.unwrap_or_default()
            ),
        }
    }
}

fn parse_seed(s: &str) -> Option<u64> {
    let s = s.trim();
    match s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        Some(hex) => u64::from_str_radix(hex, 16).ok(),
        None => s.parse().ok(),
    }
}

/// How many requests got each fault (Pass included).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FaultCounts {
    pub pass: u64,
    pub cut_request: u64,
    pub cut_response: u64,
    pub drop_response: u64,
    pub delay: u64,
    pub delay_response: u64,
    pub duplicate: u64,
}

impl FaultCounts {
    /// Requests that got anything but [`Fault::Pass`].
    pub fn injected(&self) -> u64 {
        self.cut_request
            + self.cut_response
            + self.drop_response
            + self.delay
            + self.delay_response
            + self.duplicate
    }

    fn add(&mut self, fault: Fault) {
        match fault {
            Fault::Pass => self.pass += 1,
            Fault::CutRequest { .. } => self.cut_request += 1,
            Fault::CutResponse { .. } => self.cut_response += 1,
            Fault::DropResponse => self.drop_response += 1,
            Fault::Delay { .. } => self.delay += 1,
            Fault::DelayResponse { .. } => self.delay_response += 1,
            Fault::Duplicate => self.duplicate += 1,
        }
    }
}

/// What the proxy has done so far.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProxyStats {
    /// Client connections accepted.
    pub connections: u64,
    /// Complete requests read from clients (each got one fault decision).
    pub requests_seen: u64,
    /// Requests written to the server, duplicates and cut requests included.
    pub requests_upstream: u64,
    /// Complete responses given to clients.
    pub responses_delivered: u64,
    /// Decisions by kind.
    pub faults: FaultCounts,
    /// Bytes written to the server.
    pub bytes_upstream: u64,
    /// Bytes written to clients.
    pub bytes_downstream: u64,
}

struct State {
    schedule: FaultSchedule,
    /// Picks the server of each request when there are several.
    balance: SplitMix64,
    stats: ProxyStats,
    log: Vec<Fault>,
    requests: Vec<RequestRecord>,
}

/// One request the proxy read, with the decision taken for it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestRecord {
    /// `GET`, `PUT`, ...
    pub method: String,
    /// Bytes of the request body as the client sent it.
    pub body_len: usize,
    pub fault: Fault,
    /// Which of the proxy's servers got it (an index into [`Proxy::targets`]; 0 with one).
    pub upstream: usize,
}

struct Shared {
    targets: Vec<SocketAddr>,
    state: Mutex<State>,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The fault for `req` and the index of the server it goes to.
    fn decide(&self, req: &Message) -> (Fault, usize) {
        let mut st = self.lock();
        let fault = st.schedule.next_fault();
        let upstream = match self.targets.len() {
            0 | 1 => 0,
            n => (st.balance.next_u64() % n as u64) as usize,
        };
        st.stats.requests_seen += 1;
        st.stats.faults.add(fault);
        st.log.push(fault);
        st.requests.push(RequestRecord {
            method: req.method.clone(),
            body_len: req.body_len(),
            fault,
            upstream,
        });
        (fault, upstream)
    }

    fn upstream(&self, bytes: usize, whole_request: bool) {
        let mut st = self.lock();
        st.stats.bytes_upstream += bytes as u64;
        if whole_request {
            st.stats.requests_upstream += 1;
        }
    }

    fn downstream(&self, bytes: usize, whole_response: bool) {
        let mut st = self.lock();
        st.stats.bytes_downstream += bytes as u64;
        if whole_response {
            st.stats.responses_delivered += 1;
        }
    }
}

/// A running proxy. Dropping it stops accepting and closes every connection it holds.
pub struct Proxy {
    addr: SocketAddr,
    shared: Arc<Shared>,
    task: JoinHandle<()>,
}

impl Proxy {
    /// Listen on `127.0.0.1:0` and forward to `target` under `schedule`.
    pub async fn start(target: SocketAddr, schedule: FaultSchedule) -> io::Result<Self> {
        Self::start_balanced(&[target], schedule, 0).await
    }

    /// Listen on `127.0.0.1:0` and forward each request to one of `targets` (several server
    /// processes behind one address, as behind a load balancer), picked at random from a
    /// stream seeded with `balance_seed`, under `schedule`. A [`Fault::Duplicate`] replays the
    /// request on the next target, so the same request reaches two servers.
    pub async fn start_balanced(
        targets: &[SocketAddr],
        schedule: FaultSchedule,
        balance_seed: u64,
    ) -> io::Result<Self> {
        if targets.is_empty() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "a proxy needs at least one server",
            ));
        }
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        announce(&schedule, addr);
        let shared = Arc::new(Shared {
            targets: targets.to_vec(),
            state: Mutex::new(State {
                schedule,
                balance: SplitMix64(balance_seed),
                stats: ProxyStats::default(),
                log: Vec::new(),
                requests: Vec::new(),
            }),
        });
        let accept_shared = shared.clone();
        let task = tokio::spawn(async move {
            let mut conns = JoinSet::new();
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    // Out of file descriptors or similar: back off instead of spinning.
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                };
                let _ = stream.set_nodelay(true);
                accept_shared.lock().stats.connections += 1;
                conns.spawn(serve_connection(stream, accept_shared.clone()));
                while conns.try_join_next().is_some() {}
            }
        });
        Ok(Self { addr, shared, task })
    }

    /// The proxy's own address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The (first) server the proxy forwards to.
    pub fn target(&self) -> SocketAddr {
        self.shared.targets[0]
    }

    /// Every server the proxy forwards to, in the order [`RequestRecord::upstream`] counts.
    pub fn targets(&self) -> &[SocketAddr] {
        &self.shared.targets
    }

    /// A snapshot of the counters.
    pub fn stats(&self) -> ProxyStats {
        self.shared.lock().stats.clone()
    }

    /// Every decision taken so far, in order (schedule changes do not reset it).
    pub fn fault_log(&self) -> Vec<Fault> {
        self.shared.lock().log.clone()
    }

    /// Every request read so far (method, body size, decision), in order.
    pub fn request_log(&self) -> Vec<RequestRecord> {
        self.shared.lock().requests.clone()
    }

    /// Replace the schedule; applies from the next request read. Counters and the log are kept.
    pub fn set_schedule(&self, schedule: FaultSchedule) {
        announce(&schedule, self.addr);
        self.shared.lock().schedule = schedule;
    }

    /// One line naming the current schedule and its seed, for assertion messages.
    pub fn replay_hint(&self) -> String {
        let st = self.shared.lock();
        format!(
            "proxy {}: {} ({} requests seen)",
            self.addr, st.schedule, st.stats.requests_seen
        )
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn announce(schedule: &FaultSchedule, addr: SocketAddr) {
    if schedule.seed().is_some() {
        // Printed on purpose: the test harness shows it for failing tests, so the seed is
        // always available for a replay.
        eprintln!("proxy {addr}: {schedule}");
    }
}

/// One HTTP/1.1 message as raw bytes.
struct Message {
    raw: Vec<u8>,
    head_len: usize,
    /// The connection must be closed after this message.
    close: bool,
    /// Request method (requests only).
    method: String,
}

impl Message {
    fn body_len(&self) -> usize {
        self.raw.len() - self.head_len
    }
}

#[derive(Clone, Copy)]
enum Side {
    Request,
    /// A response; `to_head` when it answers a HEAD request.
    Response {
        to_head: bool,
    },
}

enum BodyKind {
    Empty,
    Length(usize),
    Chunked,
    UntilClose,
}

fn bad(msg: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, msg.to_string())
}

/// Read one line (up to and including `\n`) and append it to `raw`; returns the line's length.
async fn read_line<R: AsyncRead + Unpin>(
    reader: &mut BufReader<R>,
    raw: &mut Vec<u8>,
    limit: usize,
) -> io::Result<usize> {
    let start = raw.len();
    let n = (&mut *reader)
        .take(limit as u64 + 1)
        .read_until(b'\n', raw)
        .await?;
    if n > limit {
        return Err(bad("line too long"));
    }
    if n > 0 && raw[start + n - 1] != b'\n' {
        return Err(io::ErrorKind::UnexpectedEof.into());
    }
    Ok(n)
}

struct Head {
    start_line: String,
    headers: Vec<(String, String)>,
}

impl Head {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn has_token(&self, name: &str, token: &str) -> bool {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .flat_map(|(_, v)| v.split(','))
            .any(|t| t.trim().eq_ignore_ascii_case(token))
    }
}

/// Read a head into `raw`. `Ok(None)` on a clean EOF before the first byte.
async fn read_head<R: AsyncRead + Unpin>(
    reader: &mut BufReader<R>,
    raw: &mut Vec<u8>,
) -> io::Result<Option<Head>> {
    let base = raw.len();
    // Skip empty lines before the start line (RFC 9112 §2.2 allows them).
    let start_line = loop {
        let before = raw.len();
        let n = read_line(reader, raw, MAX_HEAD).await?;
        if n == 0 {
            return if raw.len() == base {
                Ok(None)
            } else {
                Err(io::ErrorKind::UnexpectedEof.into())
            };
        }
        let line = String::from_utf8_lossy(&raw[before..]).trim().to_string();
        if !line.is_empty() {
            break line;
        }
    };
    let mut headers = Vec::new();
    loop {
        let before = raw.len();
        let n = read_line(reader, raw, MAX_HEAD).await?;
        if n == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        if raw.len() - base > MAX_HEAD {
            return Err(bad("head too large"));
        }
        let line = String::from_utf8_lossy(&raw[before..]);
        let line = line.trim_end_matches(['\r', '\n']);
        if line.is_empty() {
            break;
        }
        let (name, value) = line
            .split_once(':')
            .ok_or_else(|| bad("header without colon"))?;
        headers.push((name.trim().to_string(), value.trim().to_string()));
    }
    Ok(Some(Head {
        start_line,
        headers,
    }))
}

async fn read_body<R: AsyncRead + Unpin>(
    reader: &mut BufReader<R>,
    raw: &mut Vec<u8>,
    kind: BodyKind,
) -> io::Result<()> {
    match kind {
        BodyKind::Empty => Ok(()),
        BodyKind::Length(n) => {
            if n > MAX_BODY {
                return Err(bad("body too large"));
            }
            let start = raw.len();
            raw.resize(start + n, 0);
            reader.read_exact(&mut raw[start..]).await?;
            Ok(())
        }
        BodyKind::Chunked => {
            let start = raw.len();
            loop {
                let before = raw.len();
                if read_line(reader, raw, 4096).await? == 0 {
                    return Err(io::ErrorKind::UnexpectedEof.into());
                }
                let line = String::from_utf8_lossy(&raw[before..]).to_string();
                let size_text = line.split(';').next().unwrap_or("").trim();
                let size =
                    usize::from_str_radix(size_text, 16).map_err(|_| bad("bad chunk size"))?;
                if size == 0 {
                    // Trailers, up to an empty line.
                    loop {
                        let before = raw.len();
                        if read_line(reader, raw, MAX_HEAD).await? == 0 {
                            return Err(io::ErrorKind::UnexpectedEof.into());
                        }
                        if raw[before..].iter().all(|b| *b == b'\r' || *b == b'\n') {
                            return Ok(());
                        }
                    }
                }
                if raw.len() - start + size > MAX_BODY {
                    return Err(bad("body too large"));
                }
                let at = raw.len();
                raw.resize(at + size + 2, 0);
                reader.read_exact(&mut raw[at..]).await?;
            }
        }
        BodyKind::UntilClose => {
            reader.read_to_end(raw).await?;
            Ok(())
        }
    }
}

/// Read one whole message. `Ok(None)` on a clean EOF before the first byte. Interim (1xx)
/// responses are kept in front of the final one.
async fn read_message<R: AsyncRead + Unpin>(
    reader: &mut BufReader<R>,
    side: Side,
) -> io::Result<Option<Message>> {
    let mut raw = Vec::new();
    loop {
        let Some(head) = read_head(reader, &mut raw).await? else {
            return if raw.is_empty() {
                Ok(None)
            } else {
                Err(io::ErrorKind::UnexpectedEof.into())
            };
        };
        let head_len = raw.len();
        let mut parts = head.start_line.split_whitespace();
        let (version, method, status) = match side {
            Side::Request => {
                let method = parts.next().unwrap_or("").to_string();
                let _target = parts.next();
                (parts.next().unwrap_or("").to_string(), method, 0u16)
            }
            Side::Response { .. } => {
                let version = parts.next().unwrap_or("").to_string();
                let status: u16 = parts
                    .next()
                    .and_then(|s| s.parse().ok())
                    .ok_or_else(|| bad("bad status line"))?;
                (version, String::new(), status)
            }
        };
        if matches!(side, Side::Response { .. }) && (100..200).contains(&status) && status != 101 {
            continue; // interim response: its bytes stay in `raw`, read the final one
        }
        let chunked = head.has_token("transfer-encoding", "chunked");
        let length = head
            .header("content-length")
            .map(|v| {
                v.trim()
                    .parse::<usize>()
                    .map_err(|_| bad("bad content-length"))
            })
            .transpose()?;
        let kind = match side {
            Side::Response { to_head } if to_head || status == 204 || status == 304 => {
                BodyKind::Empty
            }
            _ if chunked => BodyKind::Chunked,
            _ => match (length, side) {
                (Some(n), _) => BodyKind::Length(n),
                (None, Side::Request) => BodyKind::Empty,
                (None, Side::Response { .. }) => BodyKind::UntilClose,
            },
        };
        let until_close = matches!(kind, BodyKind::UntilClose);
        let close = until_close
            || head.has_token("connection", "close")
            || (version == "HTTP/1.0" && !head.has_token("connection", "keep-alive"));
        read_body(reader, &mut raw, kind).await?;
        return Ok(Some(Message {
            raw,
            head_len,
            close,
            method,
        }));
    }
}

struct Upstream {
    reader: BufReader<OwnedReadHalf>,
    writer: OwnedWriteHalf,
}

impl Upstream {
    async fn connect(target: SocketAddr) -> io::Result<Self> {
        let stream = TcpStream::connect(target).await?;
        let _ = stream.set_nodelay(true);
        let (r, w) = stream.into_split();
        Ok(Self {
            reader: BufReader::new(r),
            writer: w,
        })
    }

    async fn round_trip(&mut self, req: &Message, shared: &Shared) -> io::Result<Message> {
        self.writer.write_all(&req.raw).await?;
        shared.upstream(req.raw.len(), true);
        let to_head = req.method.eq_ignore_ascii_case("HEAD");
        read_message(&mut self.reader, Side::Response { to_head })
            .await?
            .ok_or_else(|| io::ErrorKind::UnexpectedEof.into())
    }
}

/// Send `req` on the connection's upstream connection to `target` (opened on demand) and read
/// the answer.
async fn exchange(
    up: &mut Option<Upstream>,
    target: SocketAddr,
    req: &Message,
    shared: &Shared,
) -> io::Result<Message> {
    let conn = match up {
        Some(c) => c,
        None => up.insert(Upstream::connect(target).await?),
    };
    match conn.round_trip(req, shared).await {
        Ok(resp) => {
            if resp.close {
                *up = None;
            }
            Ok(resp)
        }
        Err(e) => {
            *up = None;
            Err(e)
        }
    }
}

async fn send_down(w: &mut OwnedWriteHalf, bytes: &[u8], whole: bool, shared: &Shared) -> bool {
    if w.write_all(bytes).await.is_err() {
        return false;
    }
    shared.downstream(bytes.len(), whole);
    true
}

/// Serve one client connection until it closes or a fault closes it. Returning drops both
/// sockets, which is how the client sees the cut.
async fn serve_connection(client: TcpStream, shared: Arc<Shared>) {
    let (cr, mut cw) = client.into_split();
    let mut cr = BufReader::new(cr);
    // One upstream connection per server, opened on demand.
    let mut ups: Vec<Option<Upstream>> = shared.targets.iter().map(|_| None).collect();
    loop {
        let req = match read_message(&mut cr, Side::Request).await {
            Ok(Some(req)) => req,
            Ok(None) | Err(_) => return,
        };
        let (fault, index) = shared.decide(&req);
        let target = shared.targets[index];
        let up = &mut ups[index];
        let resp = match fault {
            Fault::Pass | Fault::Delay { .. } | Fault::DelayResponse { .. } => {
                if let Fault::Delay { ms } = fault {
                    tokio::time::sleep(Duration::from_millis(ms.min(MAX_DELAY_MS))).await;
                }
                let Ok(resp) = exchange(up, target, &req, &shared).await else {
                    return;
                };
                if let Fault::DelayResponse { ms } = fault {
                    tokio::time::sleep(Duration::from_millis(ms.min(MAX_DELAY_MS))).await;
                }
                resp
            }
            Fault::CutRequest { after_bytes } => {
                let keep = if req.body_len() > 0 {
                    req.head_len + after_bytes.min(req.body_len() - 1)
                } else {
                    req.head_len / 2
                };
                let conn = match up.take() {
                    Some(c) => c,
                    None => match Upstream::connect(target).await {
                        Ok(c) => c,
                        Err(_) => return,
                    },
                };
                let Upstream { reader, mut writer } = conn;
                if writer.write_all(&req.raw[..keep]).await.is_ok() {
                    shared.upstream(keep, false);
                }
                // The client sees its connection close at once.
                drop(cw);
                drop(cr);
                // Half-close so the server reads the partial request and then EOF, and drain
                // whatever it answers so the close is a clean FIN rather than a reset.
                let _ = writer.shutdown().await;
                let mut sink = Vec::new();
                let _ = tokio::time::timeout(
                    Duration::from_secs(2),
                    reader.into_inner().read_to_end(&mut sink),
                )
                .await;
                return;
            }
            Fault::CutResponse { after_bytes } => {
                let Ok(resp) = exchange(up, target, &req, &shared).await else {
                    return;
                };
                let n = after_bytes.min(resp.raw.len().saturating_sub(1));
                send_down(&mut cw, &resp.raw[..n], false, &shared).await;
                let _ = cw.shutdown().await;
                return;
            }
            Fault::DropResponse => {
                let _ = exchange(up, target, &req, &shared).await;
                return;
            }
            Fault::Duplicate => {
                let Ok(first) = exchange(up, target, &req, &shared).await else {
                    return;
                };
                let again = shared.targets[(index + 1) % shared.targets.len()];
                let second = match Upstream::connect(again).await {
                    Ok(mut c) => c.round_trip(&req, &shared).await,
                    Err(e) => Err(e),
                };
                second.unwrap_or(first)
            }
        };
        if !send_down(&mut cw, &resp.raw, true, &shared).await {
            return;
        }
        if req.close || resp.close {
            let _ = cw.shutdown().await;
            return;
        }
    }
}
