//! net integration tests (issue 3).
