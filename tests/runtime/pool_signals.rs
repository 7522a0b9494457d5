//! A pool stops on a signal that arrives once `run` has started, whenever
//! its thread 0 (which waits for the signals) gets to run: the listeners
//! are made by `run`, before any main starts.

use runtime::pool::{self, Pool};
use runtime::signal::unix::{signal, SignalKind};

use crate::support::isolated;

#[test]
fn a_signal_delivered_before_thread_0_listens_still_stops_the_pool() {
    isolated("pool_signals::a_signal_delivered_before_thread_0_listens_still_stops_the_pool", || {
        let pool = Pool::builder().threads(2).build().unwrap();
        let results = pool.run(|index| async move {
            if index == 1 {
                // Thread 1 sees the signal through a listener of its own, so
                // its runtime has passed it on to every listener that existed
                // then, possibly before thread 0 has polled anything. (When
                // thread 0 made the pool's listeners itself, a thread 0 that
                // started late counted only later arrivals and the pool never
                // stopped: the examples' `--threads 2` test hung now and then.)
                let mut own = signal(SignalKind::terminate()).unwrap();
                #[allow(unsafe_code)]
                // SAFETY: kill with our own pid and a valid signal number.
                let sent = unsafe { libc::kill(libc::getpid(), libc::SIGTERM) };
                assert_eq!(sent, 0);
                assert_eq!(own.recv().await, Some(()));
            }
            pool::stopping().await;
            index
        });
        assert_eq!(results.unwrap(), [0, 1]);
    });
}
