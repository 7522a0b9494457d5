//! Tests that start the examples as processes (issue 3).
