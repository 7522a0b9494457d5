//! TCP, UDP and Unix sockets on the runtime (work in progress: see issue 3).
