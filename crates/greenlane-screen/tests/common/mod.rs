//! Helpers shared by the integration tests (and, by path, the pairs example).

pub mod labelled;
pub mod pairs;
