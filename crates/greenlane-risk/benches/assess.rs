//! Assessments per second (placeholder until the benchmark lands).
fn main() {}
