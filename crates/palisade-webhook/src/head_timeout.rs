//! A deadline for each HTTP/1 request head, apart from the idle time before it.
//!
//! hyper has one timer for both: the wait for the next request on a keep-alive connection and
//! the reading of its head. Set to the idle timeout (120 s, longer than the API server's own, so
//! that the server is never the one to close a connection a request is being sent on), it let a
//! client take 120 s per request head instead of the configured 10 s. This wrapper starts its
//! own clock when the first byte of a head arrives and fails the read (hyper then closes the
//! connection) if the blank line that ends the head has not arrived in time. Idle time before
//! that first byte stays governed by hyper.
//!
//! HTTP/2 connections (their preface starts `PRI `) are passed through: idle streams are normal
//! there, frames never hold a blank line, and the h2 keep-alive pings bound dead peers.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use axum_server::accept::Accept;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::{Instant, Sleep};

/// Wraps the streams another acceptor produces in [`HeadDeadline`].
#[derive(Clone, Debug)]
pub struct HeadTimeoutAcceptor<A> {
    inner: A,
    timeout: Duration,
}

impl<A> HeadTimeoutAcceptor<A> {
    pub fn new(inner: A, timeout: Duration) -> Self {
        Self { inner, timeout }
    }
}

impl<A, I, S> Accept<I, S> for HeadTimeoutAcceptor<A>
where
    A: Accept<I, S>,
    A::Future: Send + 'static,
{
    type Stream = HeadDeadline<A::Stream>;
    type Service = A::Service;
    type Future = Pin<Box<dyn Future<Output = io::Result<(Self::Stream, Self::Service)>> + Send>>;

    fn accept(&self, stream: I, service: S) -> Self::Future {
        let accepted = self.inner.accept(stream, service);
        let timeout = self.timeout;
        Box::pin(async move {
            let (stream, service) = accepted.await?;
            Ok((HeadDeadline::new(stream, timeout), service))
        })
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    /// Nothing read yet on this connection: the first bytes say whether it is HTTP/2.
    Start,
    /// Between requests: the next byte read starts a head.
    Idle,
    /// Reading a head; `matched` bytes of `\r\n\r\n` seen so far.
    Head { matched: u8 },
    /// The head is complete: the body and the answer, bounded by the request timeout.
    Request,
    /// HTTP/2: no deadline here.
    PassThrough,
}

/// A stream whose HTTP/1 request heads must each arrive within a deadline.
pub struct HeadDeadline<S> {
    inner: S,
    timeout: Duration,
    phase: Phase,
    deadline: Pin<Box<Sleep>>,
}

impl<S> std::fmt::Debug for HeadDeadline<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HeadDeadline")
            .field("timeout", &self.timeout)
            .field("phase", &self.phase)
            .finish_non_exhaustive()
    }
}

impl<S> HeadDeadline<S> {
    pub fn new(inner: S, timeout: Duration) -> Self {
        Self {
            inner,
            timeout,
            phase: Phase::Start,
            deadline: Box::pin(tokio::time::sleep(timeout)),
        }
    }

    /// An answer is going out: the next bytes read belong to the next request.
    fn wrote(&mut self, polled: &Poll<io::Result<usize>>) {
        if self.phase == Phase::Request && matches!(polled, Poll::Ready(Ok(n)) if *n > 0) {
            self.phase = Phase::Idle;
        }
    }

    /// Moves the phase on over bytes just read.
    fn saw(&mut self, bytes: &[u8]) {
        if bytes.is_empty() {
            return;
        }
        if self.phase == Phase::Start {
            self.phase = if bytes.starts_with(b"PRI ") {
                Phase::PassThrough
            } else {
                Phase::Idle
            };
        }
        if self.phase == Phase::Idle {
            self.deadline.as_mut().reset(Instant::now() + self.timeout);
            self.phase = Phase::Head { matched: 0 };
        }
        if let Phase::Head { mut matched } = self.phase {
            for &b in bytes {
                matched = match (matched, b) {
                    (0 | 2, b'\r') => matched + 1,
                    (1 | 3, b'\n') => matched + 1,
                    (_, b'\r') => 1,
                    _ => 0,
                };
                if matched == 4 {
                    self.phase = Phase::Request;
                    return;
                }
            }
            self.phase = Phase::Head { matched };
        }
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for HeadDeadline<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = &mut *self;
        if matches!(this.phase, Phase::Head { .. }) && this.deadline.as_mut().poll(cx).is_ready() {
            return Poll::Ready(Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "the request head was not received in time",
            )));
        }
        let before = buf.filled().len();
        let polled = Pin::new(&mut this.inner).poll_read(cx, buf);
        if let Poll::Ready(Ok(())) = polled {
            let read = buf.filled().get(before..).unwrap_or_default().to_vec();
            this.saw(&read);
        }
        polled
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for HeadDeadline<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = &mut *self;
        let polled = Pin::new(&mut this.inner).poll_write(cx, data);
        this.wrote(&polled);
        polled
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = &mut *self;
        let polled = Pin::new(&mut this.inner).poll_write_vectored(cx, bufs);
        this.wrote(&polled);
        polled
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stream() -> HeadDeadline<tokio::io::Empty> {
        HeadDeadline::new(tokio::io::empty(), Duration::from_secs(10))
    }

    #[tokio::test]
    async fn a_head_ends_at_the_blank_line_even_across_reads() {
        let mut s = stream();
        s.saw(b"POST /validate HTTP/1.1\r\nHost: x\r");
        assert!(matches!(s.phase, Phase::Head { .. }));
        s.saw(b"\n\r");
        assert!(matches!(s.phase, Phase::Head { matched: 3 }));
        s.saw(b"\n{\"body\"");
        assert_eq!(s.phase, Phase::Request);
    }

    #[tokio::test]
    async fn http2_is_passed_through() {
        let mut s = stream();
        s.saw(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
        assert_eq!(s.phase, Phase::PassThrough);
        s.saw(b"GET / HTTP/1.1\r\n");
        assert_eq!(s.phase, Phase::PassThrough);
    }
}
