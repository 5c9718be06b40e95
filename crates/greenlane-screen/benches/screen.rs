//! Screening benchmark (placeholder until written).
fn main() {}
