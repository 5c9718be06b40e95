//! The writer thread: one [`Pipeline`] on its own thread, fed through a bounded queue. Whatever is
//! queued when a transaction starts goes into it (group commit), so one disk sync acknowledges
//! many messages and latency stays near one commit under load.

use crate::{
    ActionDone, BatchStats, InspectionRequest, OfficerAction, Outcome, Pipeline, PipelineError, Prepared, Refusal,
};
use greenlane_core::BusinessError;
use greenlane_store::ListRow;
use tokio::sync::{mpsc, oneshot};

/// One message waiting for the writer, and where its answer goes.
#[derive(Debug)]
pub struct Submission {
    pub prepared: Prepared,
    pub reply: oneshot::Sender<Result<Outcome, String>>,
}

/// An inspection waiting for the writer, and where its answer goes.
#[derive(Debug)]
pub struct InspectionSubmission {
    pub request: InspectionRequest,
    pub reply: oneshot::Sender<Result<Result<ListRow, BusinessError>, String>>,
}

/// Work for the writer: messages are batched together; an inspection is applied on its own.
#[derive(Debug)]
enum Job {
    // Boxed: a parsed message is large, and the queue holds many jobs.
    Message(Box<Submission>),
    Inspection(InspectionSubmission),
    /// An officer's action on the workbench, applied on its own like an inspection.
    Officer(OfficerAction, oneshot::Sender<Result<Result<ActionDone, Refusal>, String>>),
    /// A route table to put in force after the messages queued before it: (file, text).
    Routes(String, String, oneshot::Sender<Result<Result<(), String>, String>>),
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
    queue: mpsc::Sender<Job>,
}

impl Writer {
    /// Starts the writer thread. `max_batch` bounds how many messages one transaction holds.
    pub fn spawn(
        mut pipeline: Pipeline,
        queue_len: usize,
        max_batch: usize,
        observer: Option<BatchObserver>,
    ) -> Writer {
        let (queue, mut incoming) = mpsc::channel::<Job>(queue_len);
        std::thread::Builder::new()
            .name("greenlane-writer".into())
            .spawn(move || {
                let mut batch: Vec<Submission> = Vec::with_capacity(max_batch);
                let mut next = incoming.blocking_recv();
                while let Some(job) = next.take() {
                    match job {
                        Job::Inspection(inspection) => run_inspection(&mut pipeline, inspection),
                        Job::Officer(action, reply) => {
                            let _ = reply.send(pipeline.officer(&action).map_err(|e| describe(&e)));
                        }
                        Job::Routes(file, text, reply) => {
                            let _ = reply.send(pipeline.put_routes_in_force(&file, &text).map_err(|e| describe(&e)));
                        }
                        Job::Message(first) => {
                            batch.push(*first);
                            while batch.len() < max_batch {
                                match incoming.try_recv() {
                                    Ok(Job::Message(more)) => batch.push(*more),
                                    // Applied after the messages queued before it.
                                    Ok(inspection) => {
                                        next = Some(inspection);
                                        break;
                                    }
                                    Err(_) => break,
                                }
                            }
                            run_batch(&mut pipeline, &mut batch, observer.as_ref());
                        }
                    }
                    if next.is_none() {
                        next = incoming.blocking_recv();
                    }
                }
                // Every handle dropped: the hub is stopping. The next start restores from here.
                pipeline.snapshot_now(true);
            })
            .expect("the writer thread starts");
        Writer { queue }
    }

    /// Queues a message and waits for its outcome: `Ok` only once it is durable (or refused).
    pub async fn submit(&self, prepared: Prepared) -> Result<Result<Outcome, String>, WriterClosed> {
        let (reply, answer) = oneshot::channel();
        self.queue.send(Job::Message(Box::new(Submission { prepared, reply }))).await.map_err(|_| WriterClosed)?;
        answer.await.map_err(|_| WriterClosed)
    }

    /// Queues an inspection and waits until it is durable (or refused).
    pub async fn inspect(
        &self,
        request: InspectionRequest,
    ) -> Result<Result<Result<ListRow, BusinessError>, String>, WriterClosed> {
        let (reply, answer) = oneshot::channel();
        self.queue.send(Job::Inspection(InspectionSubmission { request, reply })).await.map_err(|_| WriterClosed)?;
        answer.await.map_err(|_| WriterClosed)
    }
}

impl Writer {
    /// Queues an officer's workbench action and waits until it is durable (or refused).
    pub async fn officer(
        &self,
        action: OfficerAction,
    ) -> Result<Result<Result<ActionDone, Refusal>, String>, WriterClosed> {
        let (reply, answer) = oneshot::channel();
        self.queue.send(Job::Officer(action, reply)).await.map_err(|_| WriterClosed)?;
        answer.await.map_err(|_| WriterClosed)
    }
}

impl Writer {
    /// Queues a route table (`text`, read from `file`) and waits until it is recorded in the
    /// intake log and in force, after every message queued before it. `Ok(Err)`: it does not
    /// check, and the table in force stays. Called from a blocking thread, never from async code.
    pub fn routes_blocking(
        &self,
        file: String,
        text: String,
    ) -> Result<Result<Result<(), String>, String>, WriterClosed> {
        let (reply, answer) = oneshot::channel();
        self.queue.blocking_send(Job::Routes(file, text, reply)).map_err(|_| WriterClosed)?;
        answer.blocking_recv().map_err(|_| WriterClosed)
    }
}

fn run_inspection(pipeline: &mut Pipeline, job: InspectionSubmission) {
    let answer = pipeline.inspect(&job.request).map_err(|e| {
        let why = describe(&e);
        tracing::error!(error = %why, "inspection failed; nothing of it was stored");
        why
    });
    let _ = job.reply.send(answer);
}

fn describe(e: &PipelineError) -> String {
    match e {
        PipelineError::Store(s) => format!("store: {s}"),
        PipelineError::Internal(s) => format!("internal: {s}"),
        PipelineError::Log(e) => format!("intake log: {e}"),
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
            let why = describe(&e);
            tracing::error!(error = %why, messages = replies.len(), "batch failed; nothing of it was stored");
            for reply in replies {
                let _ = reply.send(Err(why.clone()));
            }
        }
    }
}
