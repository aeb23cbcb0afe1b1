//! A link to the real server that holds back one kind of request: a TCP relay on a loopback
//! socket that forwards everything, except that the first request starting with `hold` waits
//! at the relay, unsent to the server, until the test releases it — a sync stuck on a slow
//! link, at the moment the test chooses.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::{Arc, Condvar, Mutex};
use std::thread;

#[derive(Default)]
struct Gate {
    /// A request to hold has arrived (and waits while not released).
    holding: bool,
    released: bool,
}

/// The gate and the bell that rings when it opens.
type Shared = Arc<(Mutex<Gate>, Condvar)>;

pub struct HeldLink {
    pub url: String,
    gate: Shared,
}

impl HeldLink {
    /// Relays to the server at `server_url` (`http://127.0.0.1:PORT`).
    pub fn start(server_url: &str, hold: &'static str) -> HeldLink {
        let upstream = server_url.trim_start_matches("http://").to_string();
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let gate: Shared = Arc::default();
        let g = gate.clone();
        thread::spawn(move || {
            for client in listener.incoming() {
                let Ok(client) = client else { return };
                let Ok(server) = TcpStream::connect(&upstream) else {
                    continue;
                };
                let (c2, s2) = (client.try_clone().unwrap(), server.try_clone().unwrap());
                thread::spawn(move || relay(s2, c2, None));
                let g = g.clone();
                thread::spawn(move || relay(client, server, Some((hold.as_bytes(), g))));
            }
        });
        HeldLink { url, gate }
    }

    /// Whether the request to hold is waiting at the relay now.
    pub fn holding(&self) -> bool {
        let gate = self.gate.0.lock().unwrap();
        gate.holding && !gate.released
    }

    /// Lets the held request (and every later one) through.
    pub fn release(&self) {
        self.gate.0.lock().unwrap().released = true;
        self.gate.1.notify_all();
    }
}

/// Copies `from` to `to`; with `hold`, stops before the pattern until the gate is released.
fn relay(mut from: TcpStream, mut to: TcpStream, mut hold: Option<(&[u8], Shared)>) {
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = match from.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        let chunk = &buf[..n];
        let at = hold
            .as_ref()
            .and_then(|(pattern, _)| chunk.windows(pattern.len()).position(|w| w == *pattern));
        if let Some((at, (_, gate))) = at.zip(at.and_then(|_| hold.take())) {
            if to.write_all(&chunk[..at]).is_err() {
                break;
            }
            let (lock, wake) = &*gate;
            let mut g = lock.lock().unwrap();
            if !g.released {
                g.holding = true;
                while !g.released {
                    g = wake.wait(g).unwrap();
                }
            }
            drop(g);
            if to.write_all(&chunk[at..]).is_err() {
                break;
            }
            continue;
        }
        if to.write_all(chunk).is_err() {
            break;
        }
    }
    let _ = to.shutdown(Shutdown::Write);
}
