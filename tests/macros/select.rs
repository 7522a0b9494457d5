//! Ported from tokio 1.x `tests/macros_select.rs` (MIT), every assertion
//! kept; each `#[tokio::test]` body runs through `support::run` (bounded).
//! Changed: `struct_size_*` pin the size of tokio's own expansion (32, 40
//! and 48 bytes for one, two and three branches); this one's are pinned in
//! `struct_size_one_pointer_per_branch`. Left out: the `tokio_unstable`
//! seeded-RNG tests (no `rng_seed` here).

use std::cell::Cell;
use std::task::Poll::Ready;

use futures::future::poll_fn;
use runtime::sync::oneshot;

use crate::support::run;
use crate::task_support::spawn;

#[test]
fn sync_one_lit_expr_comma() {
    run(|| async {
        let foo = runtime::select! {
            foo = async { 1 } => foo,
        };
        assert_eq!(foo, 1);
    });
}

#[test]
fn no_branch_else_only() {
    run(|| async {
        let foo = runtime::select! {
            else => 1,
        };
        assert_eq!(foo, 1);
    });
}

#[test]
fn no_branch_else_only_biased() {
    run(|| async {
        let foo = runtime::select! {
            biased;
            else => 1,
        };
        assert_eq!(foo, 1);
    });
}

#[test]
fn nested_one() {
    run(|| async {
        let foo = runtime::select! {
            foo = async { 1 } => runtime::select! {
                bar = async { foo } => bar,
            },
        };
        assert_eq!(foo, 1);
    });
}

#[test]
fn sync_one_lit_expr_no_comma() {
    run(|| async {
        let foo = runtime::select! {
            foo = async { 1 } => foo
        };
        assert_eq!(foo, 1);
    });
}

#[test]
fn sync_one_lit_expr_block() {
    run(|| async {
        let foo = runtime::select! {
            foo = async { 1 } => { foo }
        };
        assert_eq!(foo, 1);
    });
}

#[test]
fn sync_one_await() {
    run(|| async {
        let foo = runtime::select! {
            foo = one() => foo,
        };
        assert_eq!(foo, 1);
    });
}

#[test]
fn sync_one_ident() {
    run(|| async {
        let one = one();
        let foo = runtime::select! {
            foo = one => foo,
        };
        assert_eq!(foo, 1);
    });
}

#[test]
fn sync_two() {
    run(|| async {
        let cnt = Cell::new(0);
        let res = runtime::select! {
            foo = async {
                cnt.set(cnt.get() + 1);
                1
            } => foo,
            bar = async {
                cnt.set(cnt.get() + 1);
                2
            } => bar,
        };
        assert_eq!(1, cnt.get());
        assert!(res == 1 || res == 2);
    });
}

#[test]
fn drop_in_fut() {
    run(|| async {
        let s = "hello".to_string();
        let res = runtime::select! {
            foo = async {
                let v = one().await;
                drop(s);
                v
            } => foo
        };
        assert_eq!(res, 1);
    });
}

#[test]
fn one_ready() {
    run(|| async {
        let (tx1, rx1) = oneshot::channel::<i32>();
        let (_tx2, rx2) = oneshot::channel::<i32>();
        tx1.send(1).unwrap();
        let v = runtime::select! {
            res = rx1 => {
                assert_ok!(res)
            },
            _ = rx2 => unreachable!(),
        };
        assert_eq!(1, v);
    });
}

#[test]
fn select_streams() {
    use runtime::sync::mpsc;
    run(|| async {
        let (tx1, mut rx1) = mpsc::unbounded_channel::<i32>();
        let (tx2, mut rx2) = mpsc::unbounded_channel::<i32>();
        runtime::spawn(async move {
            assert_ok!(tx2.send(1));
            runtime::task::yield_now().await;
            assert_ok!(tx1.send(2));
            runtime::task::yield_now().await;
            assert_ok!(tx2.send(3));
            runtime::task::yield_now().await;
            drop((tx1, tx2));
        });
        let mut rem = true;
        let mut msgs = vec![];
        while rem {
            runtime::select! {
                Some(x) = rx1.recv() => {
                    msgs.push(x);
                }
                Some(y) = rx2.recv() => {
                    msgs.push(y);
                }
                else => {
                    rem = false;
                }
            }
        }
        msgs.sort_unstable();
        assert_eq!(&msgs[..], &[1, 2, 3]);
    });
}

#[test]
fn move_uncompleted_futures() {
    run(|| async {
        let (tx1, mut rx1) = oneshot::channel::<i32>();
        let (tx2, mut rx2) = oneshot::channel::<i32>();
        tx1.send(1).unwrap();
        tx2.send(2).unwrap();
        let ran;
        runtime::select! {
            res = &mut rx1 => {
                assert_eq!(1, assert_ok!(res));
                assert_eq!(2, assert_ok!(rx2.await));
                ran = true;
            },
            res = &mut rx2 => {
                assert_eq!(2, assert_ok!(res));
                assert_eq!(1, assert_ok!(rx1.await));
                ran = true;
            },
        }
        assert!(ran);
    });
}

#[test]
fn nested() {
    run(|| async {
        let res = runtime::select! {
            x = async { 1 } => {
                runtime::select! {
                    y = async { 2 } => x + y,
                }
            }
        };
        assert_eq!(res, 3);
    });
}

/// In place of tokio's `struct_size_*`: one branch costs what tokio's does
/// (32 bytes); each further branch costs its future and one pointer (16
/// bytes here; tokio's 8, as it reaches its futures through one pointer to a
/// tuple, which takes `unsafe` to pin-project).
#[cfg(target_pointer_width = "64")]
#[test]
fn struct_size_one_pointer_per_branch() {
    use futures::future;
    use std::mem;
    let one = async {
        let ready = future::ready(0i32);
        runtime::select! {
            _ = ready => {},
        }
    };
    let two = async {
        let ready1 = future::ready(0i32);
        let ready2 = future::ready(0i32);
        runtime::select! {
            _ = ready1 => {},
            _ = ready2 => {},
        }
    };
    let three = async {
        let ready1 = future::ready(0i32);
        let ready2 = future::ready(0i32);
        let ready3 = future::ready(0i32);
        runtime::select! {
            _ = ready1 => {},
            _ = ready2 => {},
            _ = ready3 => {},
        }
    };
    let sizes = [mem::size_of_val(&one), mem::size_of_val(&two), mem::size_of_val(&three)];
    assert!(sizes[0] <= 32 && sizes[1] - sizes[0] <= 16 && sizes[2] - sizes[1] <= 16, "{sizes:?}");
}

#[test]
fn mutable_borrowing_future_with_same_borrow_in_block() {
    run(|| async {
        let mut value = 234;
        runtime::select! {
            _ = require_mutable(&mut value) => { },
            _ = async_noop() => {
                value += 5;
            },
        }
        assert!(value >= 234);
    });
}

#[test]
fn mutable_borrowing_future_with_same_borrow_in_block_and_else() {
    run(|| async {
        let mut value = 234;
        runtime::select! {
            _ = require_mutable(&mut value) => { },
            _ = async_noop() => {
                value += 5;
            },
            else => {
                value += 27;
            },
        }
        assert!(value >= 234);
    });
}

#[test]
fn future_panics_after_poll() {
    run(|| async {
        let (tx, rx) = oneshot::channel();
        let mut polled = false;
        let f = poll_fn(|_| {
            assert!(!polled);
            polled = true;
            Ready(None::<()>)
        });
        let mut f = spawn(async {
            runtime::select! {
                Some(_) = f => unreachable!(),
                ret = rx => ret.unwrap(),
            }
        });
        assert_pending!(f.poll());
        assert_pending!(f.poll());
        assert_ok!(tx.send(1));
        let res = assert_ready!(f.poll());
        assert_eq!(1, res);
    });
}

#[test]
fn disable_with_if() {
    run(|| async {
        let f = poll_fn(|_| panic!());
        let (tx, rx) = oneshot::channel();
        let mut f = spawn(async {
            runtime::select! {
                _ = f, if false => unreachable!(),
                _ = rx => (),
            }
        });
        assert_pending!(f.poll());
        assert_ok!(tx.send(()));
        assert!(f.is_woken());
        assert_ready!(f.poll());
    });
}

#[test]
fn join_with_select() {
    run(|| async {
        let (tx1, mut rx1) = oneshot::channel();
        let (tx2, mut rx2) = oneshot::channel();
        let mut f = spawn(async {
            let mut a = None;
            let mut b = None;
            while a.is_none() || b.is_none() {
                runtime::select! {
                    v1 = &mut rx1, if a.is_none() => a = Some(assert_ok!(v1)),
                    v2 = &mut rx2, if b.is_none() => b = Some(assert_ok!(v2))
                }
            }
            (a.unwrap(), b.unwrap())
        });
        assert_pending!(f.poll());
        assert_ok!(tx1.send(123));
        assert!(f.is_woken());
        assert_pending!(f.poll());
        assert_ok!(tx2.send(456));
        assert!(f.is_woken());
        let (a, b) = assert_ready!(f.poll());
        assert_eq!(a, 123);
        assert_eq!(b, 456);
    });
}

#[test]
fn use_future_in_if_condition() {
    use runtime::time::{self, Duration};
    run(|| async {
        runtime::select! {
            _ = time::sleep(Duration::from_millis(10)), if false => {
                panic!("if condition ignored")
            }
            _ = async { 1u32 } => {
            }
        }
    });
}

#[test]
fn use_future_in_if_condition_biased() {
    use runtime::time::{self, Duration};
    run(|| async {
        runtime::select! {
            biased;
            _ = time::sleep(Duration::from_millis(10)), if false => {
                panic!("if condition ignored")
            }
            _ = async { 1u32 } => {
            }
        }
    });
}

#[test]
fn many_branches() {
    run(|| async {
        let num = runtime::select! {
            x = async { 1 } => x, x = async { 1 } => x, x = async { 1 } => x, x = async { 1 } => x,
            x = async { 1 } => x, x = async { 1 } => x, x = async { 1 } => x, x = async { 1 } => x,
            x = async { 1 } => x, x = async { 1 } => x, x = async { 1 } => x, x = async { 1 } => x,
            x = async { 1 } => x, x = async { 1 } => x, x = async { 1 } => x, x = async { 1 } => x,
            x = async { 1 } => x, x = async { 1 } => x, x = async { 1 } => x, x = async { 1 } => x,
            x = async { 1 } => x, x = async { 1 } => x, x = async { 1 } => x, x = async { 1 } => x,
            x = async { 1 } => x, x = async { 1 } => x, x = async { 1 } => x, x = async { 1 } => x,
            x = async { 1 } => x, x = async { 1 } => x, x = async { 1 } => x, x = async { 1 } => x,
            x = async { 1 } => x, x = async { 1 } => x, x = async { 1 } => x, x = async { 1 } => x,
            x = async { 1 } => x, x = async { 1 } => x, x = async { 1 } => x, x = async { 1 } => x,
            x = async { 1 } => x, x = async { 1 } => x, x = async { 1 } => x, x = async { 1 } => x,
            x = async { 1 } => x, x = async { 1 } => x, x = async { 1 } => x, x = async { 1 } => x,
            x = async { 1 } => x, x = async { 1 } => x, x = async { 1 } => x, x = async { 1 } => x,
            x = async { 1 } => x, x = async { 1 } => x, x = async { 1 } => x, x = async { 1 } => x,
            x = async { 1 } => x, x = async { 1 } => x, x = async { 1 } => x, x = async { 1 } => x,
            x = async { 1 } => x, x = async { 1 } => x, x = async { 1 } => x, x = async { 1 } => x,
        };
        assert_eq!(1, num);
    });
}

#[test]
fn never_branch_no_warnings() {
    run(|| async {
        let t = runtime::select! {
            _ = async_never() => 0,
            one_async_ready = one() => one_async_ready,
        };
        assert_eq!(t, 1);
    });
}

async fn one() -> usize {
    1
}

async fn require_mutable(_: &mut i32) {}
async fn async_noop() {}

async fn async_never() -> ! {
    futures::future::pending().await
}

// From tokio issue 2857.
#[test]
fn mut_on_left_hand_side() {
    run(|| async {
        let v = async move {
            let ok = async { 1 };
            let mut ok = std::pin::pin!(ok);
            runtime::select! {
                mut a = &mut ok => {
                    a += 1;
                    a
                }
            }
        }
        .await;
        assert_eq!(v, 2);
    });
}

#[test]
fn biased_one_not_ready() {
    run(|| async {
        let (_tx1, rx1) = oneshot::channel::<i32>();
        let (tx2, rx2) = oneshot::channel::<i32>();
        let (tx3, rx3) = oneshot::channel::<i32>();
        tx2.send(2).unwrap();
        tx3.send(3).unwrap();
        let v = runtime::select! {
            biased;

            _ = rx1 => unreachable!(),
            res = rx2 => {
                assert_ok!(res)
            },
            _ = rx3 => {
                panic!("This branch should never be activated because `rx2` should be polled before `rx3` due to `biased;`.")
            }
        };
        assert_eq!(2, v);
    });
}

#[test]
fn biased_eventually_ready() {
    use runtime::task::yield_now;
    run(|| async {
        let one = async {};
        let two = async { yield_now().await };
        let three = async { yield_now().await };
        let mut count = 0u8;
        let mut one = std::pin::pin!(one);
        let mut two = std::pin::pin!(two);
        let mut three = std::pin::pin!(three);
        loop {
            runtime::select! {
                biased;

                _ = &mut two, if count < 2 => {
                    count += 1;
                    assert_eq!(count, 2);
                }
                _ = &mut three, if count < 3 => {
                    count += 1;
                    assert_eq!(count, 3);
                }
                _ = &mut one, if count < 1 => {
                    count += 1;
                    assert_eq!(count, 1);
                }
                else => break,
            }
        }
        assert_eq!(count, 3);
    });
}

// tokio issue 3830, rust-clippy issue 7304.
#[warn(clippy::default_numeric_fallback)]
#[allow(dead_code)]
pub async fn default_numeric_fallback() {
    runtime::select! {
        _ = async {} => (),
        else => (),
    }
}

// tokio issue 4182.
#[test]
fn mut_ref_patterns() {
    run(|| async {
        runtime::select! {
            Some(mut foo) = async { Some("1".to_string()) } => {
                assert_eq!(foo, "1");
                foo = "2".to_string();
                assert_eq!(foo, "2");
            },
        };
        runtime::select! {
            Some(ref foo) = async { Some("1".to_string()) } => {
                assert_eq!(*foo, "1");
            },
        };
        runtime::select! {
            Some(ref mut foo) = async { Some("1".to_string()) } => {
                assert_eq!(*foo, "1");
                *foo = "2".to_string();
                assert_eq!(*foo, "2");
            },
        };
    });
}

#[test]
#[allow(unused_assignments)]
fn if_let_patterns() {
    run(|| async {
        let maybe_x = Some(10);
        let mut result = 0;
        async fn foo(x: u32) -> u32 {
            x
        }
        runtime::select! {
            res = foo(x), if let Some(x) = maybe_x => { result = res; }
            else => { result = 0 }
        };
        assert_eq!(result, 10);
    });
}

/// As tokio's: a `select!` in a task that has spent its cooperative budget
/// returns `Pending` first (the task is deferred), so other tasks run.
#[test]
fn select_yields_when_the_budget_is_spent() {
    use std::rc::Rc;
    run(|| async {
        let other_ran = Rc::new(Cell::new(false));
        let flag = other_ran.clone();
        runtime::spawn(async move { flag.set(true) });
        // Spends the poll's 128 units without yielding (the spawned task
        // has not run yet: this task was not deferred).
        for _ in 0..128 {
            runtime::task::coop::consume_budget().await;
        }
        assert!(!other_ran.get());
        runtime::select! {
            _ = async {} => {}
        }
        assert!(other_ran.get(), "select! ran on a spent budget without yielding");
    });
}

/// Dropped mid-wait (a timeout, an abort), a `select!` drops every branch's
/// future, and a `join!`/`try_join!` every unfinished one, at once.
#[test]
fn select_and_join_dropped_mid_wait_drop_their_futures() {
    use std::rc::Rc;
    struct Flag(Rc<Cell<u32>>);
    impl Drop for Flag {
        fn drop(&mut self) {
            self.0.set(self.0.get() + 1);
        }
    }
    let waker = futures::task::noop_waker();
    let mut cx = std::task::Context::from_waker(&waker);
    let dropped = Rc::new(Cell::new(0));
    let pending_with = |flag: Flag| async move {
        let _flag = flag;
        std::future::pending::<u32>().await
    };
    let mut select = Box::pin(async {
        runtime::select! {
            v = pending_with(Flag(dropped.clone())) => v,
            v = pending_with(Flag(dropped.clone())) => v,
        }
    });
    assert!(std::future::Future::poll(select.as_mut(), &mut cx).is_pending());
    assert_eq!(dropped.get(), 0);
    drop(select);
    assert_eq!(dropped.get(), 2);
    let mut join = Box::pin(async {
        runtime::join!(async { 1 }, pending_with(Flag(dropped.clone())), pending_with(Flag(dropped.clone())))
    });
    assert!(std::future::Future::poll(join.as_mut(), &mut cx).is_pending());
    drop(join);
    assert_eq!(dropped.get(), 4);
    let mut try_join = Box::pin(async {
        let ok = async { Ok::<_, ()>(pending_with(Flag(dropped.clone())).await) };
        runtime::try_join!(ok, async { Ok::<_, ()>(1) })
    });
    assert!(std::future::Future::poll(try_join.as_mut(), &mut cx).is_pending());
    drop(try_join);
    assert_eq!(dropped.get(), 5);
}

/// `runtime::pin!`, tokio's forms: shadowing named futures, and `let`s.
#[test]
fn pin_macro_forms() {
    run(|| async {
        let ok = async { 1 };
        let two = async { 2 };
        runtime::pin!(ok, two);
        let got = runtime::select! {
            biased;
            a = &mut ok => a,
            b = &mut two => b,
        };
        assert_eq!(got, 1);
        assert_eq!(two.await, 2);
        runtime::pin! {
            let three = async { 3 };
            let four = async { 4 };
        }
        assert_eq!(three.await + four.await, 7);
    });
}
