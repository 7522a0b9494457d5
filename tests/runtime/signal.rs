//! `signal::ctrl_c` and `signal::unix::{signal, SignalKind}`.
//!
//! Tests here share one process: each raises its own signal, always after
//! creating a `Signal` for it (so a handler is installed and the default
//! action, often ending the process, never happens). Tests that count fds,
//! fill the pipe or rely on no other runtime delivering run in a child.

use std::future::{poll_fn, Future};
use std::pin::pin;
use std::task::Poll;
use std::time::Duration;

use futures::StreamExt;
use runtime::signal::unix::{signal, SignalKind};

use crate::support::{fd_count, isolated, run};

/// Sends `signum` to this process.
fn send(signum: libc::c_int) {
    #[allow(unsafe_code)]
    // SAFETY: kill with our own pid and a valid signal number.
    let sent = unsafe { libc::kill(libc::getpid(), signum) };
    assert_eq!(sent, 0, "kill({signum}): {}", std::io::Error::last_os_error());
}

/// Polls `fut` once: `Some(output)` if it was ready.
async fn poll_once<F: Future>(fut: F) -> Option<F::Output> {
    let mut fut = pin!(fut);
    poll_fn(|cx| {
        Poll::Ready(match fut.as_mut().poll(cx) {
            Poll::Ready(out) => Some(out),
            Poll::Pending => None,
        })
    })
    .await
}

#[test]
fn ctrl_c_completes_when_sigint_arrives() {
    // In a child process: the handler stays installed for the process's life.
    isolated("signal::ctrl_c_completes_when_sigint_arrives", || {
        run(|| async {
            let first = runtime::spawn(runtime::signal::ctrl_c());
            let second = runtime::spawn(runtime::signal::ctrl_c());
            runtime::task::yield_now().await;
            assert!(!first.is_finished());
            send(libc::SIGINT);
            first.await.unwrap().unwrap();
            second.await.unwrap().unwrap();
        });
    });
}

#[test]
fn ctrl_c_dropped_waiters_leave_no_waker_and_no_fd() {
    isolated("signal::ctrl_c_dropped_waiters_leave_no_waker_and_no_fd", || {
        // Warm up the process-wide pipe before counting.
        run(|| async { assert!(poll_once(runtime::signal::ctrl_c()).await.is_none()) });
        let before = fd_count();
        for _ in 0..200 {
            let rt = runtime::Runtime::new().unwrap();
            rt.block_on(async {
                // One waiter polled and dropped, one left in a task that the
                // runtime drops: a waker kept by either would keep this
                // runtime's fds open.
                assert!(poll_once(runtime::signal::ctrl_c()).await.is_none());
                runtime::spawn(runtime::signal::ctrl_c());
                runtime::task::yield_now().await;
            });
        }
        assert_eq!(fd_count(), before, "every runtime's fds were closed");
        // The handler still works for a new waiter.
        run(|| async {
            let waiter = runtime::spawn(runtime::signal::ctrl_c());
            runtime::task::yield_now().await;
            send(libc::SIGINT);
            waiter.await.unwrap().unwrap();
        });
    });
}

#[test]
fn signal_recv_loses_no_arrival_between_two_calls() {
    run(|| async {
        let mut usr1 = signal(SignalKind::user_defined1()).unwrap();
        send(libc::SIGUSR1);
        assert_eq!(usr1.recv().await, Some(()));
        // Arrives while nobody waits: the next recv still sees it.
        send(libc::SIGUSR1);
        runtime::task::yield_now().await;
        runtime::time::sleep(Duration::from_millis(1)).await;
        assert_eq!(usr1.recv().await, Some(()));
        // Nothing since: the next recv waits.
        assert!(poll_once(usr1.recv()).await.is_none());
        send(libc::SIGUSR1);
        assert_eq!(usr1.recv().await, Some(()));
    });
}

#[test]
fn signal_every_stream_of_a_signal_is_notified() {
    run(|| async {
        let kind = SignalKind::user_defined2();
        let mut first = signal(kind).unwrap();
        let dropped = signal(kind).unwrap();
        let mut second = signal(kind).unwrap();
        drop(dropped);
        send(libc::SIGUSR2);
        assert_eq!(first.recv().await, Some(()));
        assert_eq!(second.recv().await, Some(()));
    });
}

#[test]
fn signal_is_a_stream_of_arrivals() {
    run(|| async {
        let mut winch = signal(SignalKind::window_change()).unwrap();
        for _ in 0..3 {
            send(libc::SIGWINCH);
            assert_eq!(winch.next().await, Some(()));
        }
    });
}

#[test]
fn signal_reaches_runtimes_on_many_threads() {
    let (ready_tx, ready) = std::sync::mpsc::channel();
    let threads: Vec<_> = (0..4)
        .map(|_| {
            let ready_tx = ready_tx.clone();
            std::thread::spawn(move || {
                run(move || async move {
                    let mut hup = signal(SignalKind::hangup()).unwrap();
                    ready_tx.send(()).unwrap();
                    hup.recv().await
                })
            })
        })
        .collect();
    for _ in 0..4 {
        ready.recv_timeout(crate::support::LIMIT).expect("every runtime listens");
    }
    send(libc::SIGHUP);
    for t in threads {
        assert_eq!(t.join().unwrap(), Some(()));
    }
}

#[test]
fn signal_refuses_uncatchable_and_invalid_signals() {
    run(|| async {
        for signum in [-1, 0, libc::SIGKILL, libc::SIGSTOP, libc::SIGSEGV, 1000] {
            let err = signal(SignalKind::from_raw(signum)).unwrap_err();
            assert_eq!(err.kind(), std::io::ErrorKind::Other, "{signum}: {err}");
        }
    });
}

#[test]
#[should_panic(expected = "there is no runtime")]
fn signal_outside_a_runtime_panics() {
    let _ = signal(SignalKind::hangup());
}

#[test]
fn signal_kind_names_match_the_numbers() {
    assert_eq!(SignalKind::interrupt().as_raw_value(), libc::SIGINT);
    assert_eq!(SignalKind::terminate().as_raw_value(), libc::SIGTERM);
    assert_eq!(SignalKind::quit().as_raw_value(), libc::SIGQUIT);
    assert_eq!(SignalKind::alarm().as_raw_value(), libc::SIGALRM);
    assert_eq!(SignalKind::child().as_raw_value(), libc::SIGCHLD);
    assert_eq!(SignalKind::pipe().as_raw_value(), libc::SIGPIPE);
    assert_eq!(SignalKind::from(libc::SIGUSR1), SignalKind::user_defined1());
    assert_eq!(libc::c_int::from(SignalKind::hangup()), libc::SIGHUP);
}

#[test]
fn signal_sent_before_a_stream_is_created_reaches_it_at_the_next_turn() {
    // In a child: any other runtime could deliver the signal first.
    isolated("signal::signal_sent_before_a_stream_is_created_reaches_it_at_the_next_turn", || {
        run(|| async {
            let kind = SignalKind::terminate();
            drop(signal(kind).unwrap());
            send(libc::SIGTERM);
            let mut term = signal(kind).unwrap();
            assert_eq!(term.recv().await, Some(()));
        });
    });
}

#[test]
fn signal_handler_never_blocks_on_a_full_pipe() {
    // In a child: it fills the process-wide pipe.
    isolated("signal::signal_handler_never_blocks_on_a_full_pipe", || {
        run(|| async {
            let mut alarm = signal(SignalKind::alarm()).unwrap();
            // The handler runs on this thread, while no runtime reads the
            // pipe: a blocking write would hang here once the pipe is full.
            for _ in 0..100_000 {
                #[allow(unsafe_code)]
                // SAFETY: raise with a valid signal number.
                let raised = unsafe { libc::raise(libc::SIGALRM) };
                assert_eq!(raised, 0);
            }
            assert_eq!(alarm.recv().await, Some(()));
            // The arrivals (all counted before that recv) gave one wake-up.
            assert!(poll_once(alarm.recv()).await.is_none());
            send(libc::SIGALRM);
            assert_eq!(alarm.recv().await, Some(()));
        });
    });
}

#[test]
fn signal_outlives_the_runtime_it_was_created_in() {
    crate::support::bounded(|| {
        let kind = SignalKind::quit();
        let first_rt = runtime::Runtime::new().unwrap();
        let mut first = first_rt.block_on(async { signal(kind).unwrap() });
        let second_rt = runtime::Runtime::new().unwrap();
        let mut second = second_rt.block_on(async { signal(kind).unwrap() });
        send(libc::SIGQUIT);
        assert_eq!(first_rt.block_on(first.recv()), Some(()));
        drop(first_rt);
        // Still usable in another runtime, which then delivers to it.
        send(libc::SIGQUIT);
        assert_eq!(second_rt.block_on(first.recv()), Some(()));
        drop(first);
        assert_eq!(second_rt.block_on(second.recv()), Some(()));
    });
}

#[test]
fn signal_real_time_numbers_are_delivered() {
    run(|| async {
        let numbers: Vec<libc::c_int> = (libc::SIGRTMIN()..=libc::SIGRTMAX()).take(8).collect();
        let mut streams: Vec<_> = numbers.iter().map(|&n| signal(SignalKind::from_raw(n)).unwrap()).collect();
        numbers.iter().for_each(|&n| send(n));
        for (stream, n) in streams.iter_mut().zip(&numbers) {
            assert_eq!(stream.recv().await, Some(()), "signal {n}");
        }
    });
}
