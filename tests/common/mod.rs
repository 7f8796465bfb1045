//! Shared test data for the integration tests (native and browser).

pub mod corpus;
