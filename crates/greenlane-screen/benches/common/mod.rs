//! What the screener's benchmarks share: timing a closure in the thread's own on-CPU time, so a
//! shared, busy machine's other work does not count against it (BENCHMARKS.md, "How").

use std::time::{Duration, Instant};

/// The thread's on-CPU time so far, from `/proc/thread-self/schedstat`, made current by a yield;
/// `None` where the kernel does not offer it.
pub fn on_cpu() -> Option<Duration> {
    std::thread::yield_now();
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    text.split_whitespace().next()?.parse().ok().map(Duration::from_nanos)
}

/// How long `f` ran on this thread's CPU (wall-clock time where on-CPU time is missing).
pub fn timed(f: impl FnOnce()) -> Duration {
    match on_cpu() {
        Some(start) => {
            f();
            on_cpu().map_or(Duration::ZERO, |end| end - start)
        }
        None => {
            let start = Instant::now();
            f();
            start.elapsed()
        }
    }
}
