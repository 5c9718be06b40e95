//! Prometheus metrics: the recorder is installed once per process, and the writer reports each
//! committed batch (size, commit time, decisions by lane, expiries).

use greenlane_pipeline::BatchObserver;
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use std::sync::OnceLock;

static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();

/// Installs the Prometheus recorder (once per process) and returns the handle that renders it.
pub fn install_metrics() -> PrometheusHandle {
    HANDLE
        .get_or_init(|| {
            PrometheusBuilder::new()
                .set_buckets(&[0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5])
                .expect("the buckets are valid")
                .install_recorder()
                .expect("no other metrics recorder is installed")
        })
        .clone()
}

/// The writer's hook: counts what each batch decided and how long its transaction took.
pub fn batch_observer() -> BatchObserver {
    Box::new(|stats, outcomes, elapsed| {
        metrics::histogram!("greenlane_batch_seconds").record(elapsed.as_secs_f64());
        metrics::histogram!("greenlane_batch_messages").record(outcomes.len() as f64);
        for lane in &stats.decided {
            metrics::counter!("greenlane_decisions_total", "lane" => lane.as_str()).increment(1);
        }
        if stats.expired > 0 {
            metrics::counter!("greenlane_expired_lists_total").increment(stats.expired as u64);
        }
    })
}
