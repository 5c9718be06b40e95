//! Helpers shared by the integration tests (and, by path, the pairs example).

pub mod pairs;
