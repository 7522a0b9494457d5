//! `signal::ctrl_c`.

use crate::support::{isolated, run};

#[test]
fn ctrl_c_completes_when_sigint_arrives() {
    // In a child process: the handler stays installed for the process's life.
    isolated("signal::ctrl_c_completes_when_sigint_arrives", || {
        run(|| async {
            let first = runtime::spawn(runtime::signal::ctrl_c());
            let second = runtime::spawn(runtime::signal::ctrl_c());
            runtime::task::yield_now().await;
            assert!(!first.is_finished());
            #[allow(unsafe_code)]
            // SAFETY: kill with our own pid and a signal number.
            let sent = unsafe { libc::kill(libc::getpid(), libc::SIGINT) };
            assert_eq!(sent, 0);
            first.await.unwrap().unwrap();
            second.await.unwrap().unwrap();
        });
    });
}
