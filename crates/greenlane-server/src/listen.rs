//! How the hub takes and keeps connections: a cap on concurrent connections, a deadline for a
//! request's headers (which is also how long an idle keep-alive connection stays open) and for its
//! body, and a body limit per route. A slow or silent client holds one connection for a bounded
//! time and never more than its share of memory (issue #12, "bodies and connections").

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http_body::{Frame, SizeHint};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::sync::{Semaphore, watch};

/// The largest message body (`POST /api/v1/messages`), as the codec enforces it.
pub const MAX_MESSAGE_BODY: usize = 10 * 1024 * 1024;
/// The largest body of any other route: JSON and the web UI's forms.
pub const MAX_JSON_BODY: usize = 1024 * 1024;

/// What one connection and one request may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Connections served at once; past it the hub stops accepting until one closes (the rest wait
    /// in the kernel's backlog), so it never runs out of file descriptors.
    pub max_connections: usize,
    /// From a connection's first byte, or the end of its previous response, to the end of a
    /// request's headers. An idle keep-alive connection is closed after the same time.
    pub header_read_timeout: Duration,
    /// From the end of the headers to the end of the body. Long enough for 10 MB over a slow
    /// uplink (about 1.4 Mbit/s), short enough that a trickling client lets go.
    pub body_read_timeout: Duration,
    /// How long a shutdown waits for requests in flight.
    pub shutdown_grace: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_connections: 8192,
            header_read_timeout: Duration::from_secs(10),
            body_read_timeout: Duration::from_secs(60),
            shutdown_grace: Duration::from_secs(30),
        }
    }
}

impl Limits {
    /// The default limits with the connection cap lowered to fit `open_files` file descriptors,
    /// keeping some for the store, the lists and the log.
    pub fn for_open_files(open_files: u64) -> Limits {
        let spare = open_files.saturating_sub(256).max(64);
        let default = Limits::default();
        Limits { max_connections: default.max_connections.min(spare as usize), ..default }
    }
}

/// The body limit of a route.
pub fn body_limit(path: &str) -> usize {
    if path == "/api/v1/messages" { MAX_MESSAGE_BODY } else { MAX_JSON_BODY }
}

/// Why a request body could not be read in full.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum BodyFault {
    #[error("the body is larger than this route's limit of {0} bytes")]
    TooLarge(usize),
    #[error("the body did not arrive within {0:?}")]
    TimedOut(Duration),
}

impl BodyFault {
    /// The stable code of the JSON error.
    pub fn code(&self) -> &'static str {
        match self {
            BodyFault::TooLarge(_) => "too_large",
            BodyFault::TimedOut(_) => "body_timeout",
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            BodyFault::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            BodyFault::TimedOut(_) => StatusCode::REQUEST_TIMEOUT,
        }
    }

    /// The fault behind a body error, if it was one of the guard's.
    pub fn of(error: &(dyn std::error::Error + 'static)) -> Option<BodyFault> {
        let mut cause = Some(error);
        while let Some(e) = cause {
            if let Some(fault) = e.downcast_ref::<BodyFault>() {
                return Some(*fault);
            }
            cause = e.source();
        }
        None
    }
}

/// A request body that fails once it passes its limit or its deadline, whichever reads it.
struct Guarded {
    inner: Body,
    limit: usize,
    read: usize,
    timeout: Duration,
    deadline: Pin<Box<tokio::time::Sleep>>,
}

impl http_body::Body for Guarded {
    type Data = Bytes;
    type Error = axum::BoxError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::BoxError>>> {
        if self.deadline.as_mut().poll(cx).is_ready() {
            return Poll::Ready(Some(Err(BodyFault::TimedOut(self.timeout).into())));
        }
        match Pin::new(&mut self.inner).poll_frame(cx) {
            Poll::Ready(Some(Ok(frame))) => {
                if let Some(data) = frame.data_ref() {
                    self.read += data.len();
                    if self.read > self.limit {
                        return Poll::Ready(Some(Err(BodyFault::TooLarge(self.limit).into())));
                    }
                }
                Poll::Ready(Some(Ok(frame)))
            }
            Poll::Ready(Some(Err(e))) => Poll::Ready(Some(Err(e.into()))),
            Poll::Ready(None) => Poll::Ready(None),
            Poll::Pending => Poll::Pending,
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// The answer to a body over its route's limit: the CEB900 of the messages route, JSON elsewhere.
fn too_large(path: &str, limit: usize) -> Response {
    if path == "/api/v1/messages" {
        return crate::message_too_large();
    }
    let body = serde_json::json!({
        "code": "too_large",
        "message": format!("the body is larger than this route's limit of {limit} bytes"),
    });
    let mut response = (StatusCode::PAYLOAD_TOO_LARGE, axum::Json(body)).into_response();
    // The rest of the body is not read: the connection cannot carry another request.
    response.headers_mut().insert(header::CONNECTION, HeaderValue::from_static("close"));
    response
}

/// Refuses a declared length over the route's limit before anything is read, and bounds the body
/// of every other request in size and time. Handlers read the body only after checking the token.
async fn guard_body(
    axum::extract::State(limits): axum::extract::State<Limits>,
    request: Request,
    next: Next,
) -> Response {
    let limit = body_limit(request.uri().path());
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        let answer = too_large(request.uri().path(), limit);
        // A client that writes its whole body before reading would see the connection reset
        // and never the 413: what follows is read and thrown away, nothing kept, for a while
        // and up to a bound (a "lingering close"), then the connection is closed.
        tokio::spawn(drain(request.into_body()));
        return answer;
    }
    let (parts, body) = request.into_parts();
    let guarded = Guarded {
        inner: body,
        limit,
        read: 0,
        timeout: limits.body_read_timeout,
        deadline: Box::pin(tokio::time::sleep(limits.body_read_timeout)),
    };
    next.run(Request::from_parts(parts, Body::new(guarded))).await
}

/// How much of a refused body is read and thrown away at most, and for how long.
const DRAIN_BYTES: usize = 2 * MAX_MESSAGE_BODY;
const DRAIN_TIME: Duration = Duration::from_secs(5);

async fn drain(mut body: Body) {
    use http_body_util::BodyExt as _;
    let mut read = 0usize;
    let _ = tokio::time::timeout(DRAIN_TIME, async {
        while let Some(Ok(frame)) = body.frame().await {
            read += frame.data_ref().map_or(0, Bytes::len);
            if read > DRAIN_BYTES {
                break;
            }
        }
    })
    .await;
}

/// `app` behind the body guard.
pub fn guarded(app: Router, limits: Limits) -> Router {
    app.layer(axum::middleware::from_fn_with_state(limits, guard_body))
}

/// Serves `app` on `listener` within `limits` until `shutdown` resolves; requests in flight get
/// [`Limits::shutdown_grace`] to finish.
pub async fn serve_limited(
    listener: tokio::net::TcpListener,
    app: Router,
    limits: Limits,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = guarded(app, limits);
    let permits = Arc::new(Semaphore::new(limits.max_connections));
    let (closing, closing_seen) = watch::channel(false);
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new()).header_read_timeout(limits.header_read_timeout);
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            () = &mut shutdown => break,
            permit = permits.clone().acquire_owned() => permit.expect("the semaphore is never closed"),
        };
        let stream = tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                // Out of file descriptors or a connection reset before it was taken: waiting a
                // little lets connections close instead of spinning on the error.
                Err(e) => {
                    tracing::warn!(error = %e, "accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    continue;
                }
            },
        };
        let _ = stream.set_nodelay(true);
        let connection = http.serve_connection(TokioIo::new(stream), TowerToHyperService::new(app.clone()));
        let mut closing_seen = closing_seen.clone();
        tokio::spawn(async move {
            let _permit = permit;
            let mut connection = std::pin::pin!(connection);
            tokio::select! {
                _ = connection.as_mut() => return,
                _ = closing_seen.wait_for(|closing| *closing) => {}
            }
            connection.as_mut().graceful_shutdown();
            let _ = connection.await;
        });
    }
    let _ = closing.send(true);
    let all = u32::try_from(limits.max_connections).unwrap_or(u32::MAX);
    let _ = tokio::time::timeout(limits.shutdown_grace, permits.acquire_many(all)).await;
    Ok(())
}
