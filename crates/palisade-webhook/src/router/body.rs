//! Reading an AdmissionReview body within the size limit.
//!
//! An over-long body is answered 413 only after it has been read to its end (up to a bound):
//! over HTTP/2, answering while the client still sends made hyper reset the stream, and the
//! client saw a reset instead of the 413 and its message.

use axum::body::{Body, Bytes};
use http_body_util::BodyExt as _;

/// How much of an over-long body is read and thrown away so that the 413 arrives cleanly.
/// Beyond it the client is cut off with whatever its HTTP version does.
const DRAIN_LIMIT: usize = 16 * 1024 * 1024;

/// Why a body could not be read.
#[derive(Debug)]
pub(super) enum BodyError {
    TooLarge,
    /// The client's stream failed (disconnect, protocol error).
    Broken(String),
}

/// Reads the body, up to `limit` bytes; a declared length over the limit fails without
/// reading when the connection can be closed instead (HTTP/1).
pub(super) async fn read(body: Body, limit: usize) -> Result<Bytes, BodyError> {
    let mut body = body;
    let mut kept: Vec<u8> = Vec::new();
    let mut over = 0usize;
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|e| BodyError::Broken(e.to_string()))?;
        let Ok(data) = frame.into_data() else {
            continue;
        };
        if over == 0 && kept.len() + data.len() <= limit {
            kept.extend_from_slice(&data);
            continue;
        }
        if over == 0 {
            kept = Vec::new();
        }
        over = over.saturating_add(data.len());
        if over > DRAIN_LIMIT {
            break;
        }
    }
    if over > 0 {
        return Err(BodyError::TooLarge);
    }
    Ok(Bytes::from(kept))
}
