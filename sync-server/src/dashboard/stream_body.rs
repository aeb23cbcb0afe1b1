//! A response body written from a blocking thread: an export of a whole wilayah goes out as it
//! is read, one page of households at a time, instead of being built in memory first.

use std::io::Write;

use axum::body::Body;
use tokio::sync::mpsc;

/// Bytes per chunk handed to the body.
const CHUNK: usize = 64 * 1024;

/// A [`Write`] whose bytes become the body of [`body_channel`], in chunks. A write fails with
/// `BrokenPipe` once the client has gone (the download was cancelled), which stops the writer.
pub struct ChunkWriter {
    tx: mpsc::Sender<Vec<u8>>,
    buf: Vec<u8>,
}

/// A writer for a blocking thread and the streaming body it feeds.
pub fn body_channel() -> (ChunkWriter, Body) {
    let (tx, rx) = mpsc::channel::<Vec<u8>>(4);
    let chunks = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv()
            .await
            .map(|chunk| (Ok::<_, std::io::Error>(chunk), rx))
    });
    (
        ChunkWriter {
            tx,
            buf: Vec::with_capacity(CHUNK),
        },
        Body::from_stream(chunks),
    )
}

impl Write for ChunkWriter {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.buf.extend_from_slice(bytes);
        if self.buf.len() >= CHUNK {
            self.flush()?;
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let chunk = std::mem::replace(&mut self.buf, Vec::with_capacity(CHUNK));
        self.tx.blocking_send(chunk).map_err(|_| {
            std::io::Error::new(std::io::ErrorKind::BrokenPipe, "the download was cancelled")
        })
    }
}
