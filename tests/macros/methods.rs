//! `#[runtime::main]` on methods (tokio issue 3766) and on functions that
//! take arguments: tokio refuses arguments only on a function named `main`.

/// Ported from tokio 1.54 `tests/macros_test.rs` `trait_method`.
#[test]
fn trait_method() {
    trait A {
        fn f(self);

        fn g(self);
    }
    impl A for () {
        #[runtime::main]
        async fn f(self) {
            self.g()
        }

        fn g(self) {}
    }
    ().f()
}

struct Counter {
    count: u32,
}

impl Counter {
    #[runtime::main]
    async fn add(&mut self, n: u32) -> u32 {
        for _ in 0..n {
            self.count += runtime::spawn(async { 1 }).await.unwrap();
        }
        self.count
    }

    #[runtime::main(start_paused = true)]
    async fn into_count(self) -> u32 {
        runtime::time::sleep(runtime::time::Duration::from_secs(3600)).await;
        self.count
    }
}

#[test]
fn main_macro_on_methods_runs_each_call_on_a_runtime() {
    let mut counter = Counter { count: 0 };
    assert_eq!(counter.add(3), 3);
    assert_eq!(counter.add(2), 5);
    assert_eq!(counter.into_count(), 5);
}

#[runtime::main]
async fn sum(values: Vec<u32>, offset: u32) -> u32 {
    async { values.iter().sum::<u32>() + offset }.await
}

#[test]
fn main_macro_on_a_helper_with_arguments() {
    assert_eq!(sum(vec![1, 2, 3], 4), 10);
}
