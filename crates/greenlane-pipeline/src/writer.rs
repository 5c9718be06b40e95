//! The writer thread: one [`Pipeline`] on its own thread, fed through a bounded queue. Whatever is
//! queued when a transaction starts goes into it (group commit), so one disk sync acknowledges
//! many messages and latency stays near one commit under load.

use crate::{BatchStats, Outcome, Pipeline, PipelineError, Prepared};
use tokio::sync::{mpsc, oneshot};

/// One message waiting for the writer, and where its answer goes.
#[derive(Debug)]
pub struct Submission {
    pub prepared: Prepared,
    pub reply: oneshot::Sender<Result<Outcome, String>>,
}

/// The writer is gone (shut down or crashed); the message was not stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the pipeline's writer has stopped")]
pub struct WriterClosed;

/// Called after every committed batch with what it changed, its outcomes and how long the
/// transaction took: the server's metrics hook.
pub type BatchObserver = Box<dyn Fn(&BatchStats, &[Outcome], std::time::Duration) + Send>;

/// A handle to the writer thread. Cloning shares the queue; the thread ends when every handle
/// is dropped and the queue is drained.
#[derive(Debug, Clone)]
pub struct Writer {
    queue: mpsc::Sender<Submission>,
}

impl Writer {
    /// Starts the writer thread. `max_batch` bounds how many messages one transaction holds.
    pub fn spawn(
        mut pipeline: Pipeline,
        queue_len: usize,
        max_batch: usize,
        observer: Option<BatchObserver>,
    ) -> Writer {
        let (queue, mut incoming) = mpsc::channel::<Submission>(queue_len);
        std::thread::Builder::new()
            .name("greenlane-writer".into())
            .spawn(move || {
                let mut batch: Vec<Submission> = Vec::with_capacity(max_batch);
                while let Some(first) = incoming.blocking_recv() {
                    batch.push(first);
                    while batch.len() < max_batch {
                        match incoming.try_recv() {
                            Ok(next) => batch.push(next),
                            Err(_) => break,
                        }
                    }
                    run_batch(&mut pipeline, &mut batch, observer.as_ref());
                }
            })
            .expect("the writer thread starts");
        Writer { queue }
    }

    /// Queues a message and waits for its outcome: `Ok` only once it is durable (or refused).
    pub async fn submit(&self, prepared: Prepared) -> Result<Result<Outcome, String>, WriterClosed> {
        let (reply, answer) = oneshot::channel();
        self.queue.send(Submission { prepared, reply }).await.map_err(|_| WriterClosed)?;
        answer.await.map_err(|_| WriterClosed)
    }
}

fn run_batch(pipeline: &mut Pipeline, batch: &mut Vec<Submission>, observer: Option<&BatchObserver>) {
    let (prepared, replies): (Vec<Prepared>, Vec<_>) = batch.drain(..).map(|s| (s.prepared, s.reply)).unzip();
    let started = std::time::Instant::now();
    match pipeline.apply(&prepared) {
        Ok((outcomes, stats)) => {
            if let Some(observe) = observer {
                observe(&stats, &outcomes, started.elapsed());
            }
            for (reply, outcome) in replies.into_iter().zip(outcomes) {
                // A client that went away still had its message stored; nothing to undo.
                let _ = reply.send(Ok(outcome));
            }
        }
        Err(e) => {
            let why = match &e {
                PipelineError::Store(s) => format!("store: {s}"),
                PipelineError::Internal(s) => format!("internal: {s}"),
            };
            tracing::error!(error = %why, messages = replies.len(), "batch failed; nothing of it was stored");
            for reply in replies {
                let _ = reply.send(Err(why.clone()));
            }
        }
    }
}
