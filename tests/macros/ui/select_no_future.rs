async fn f() -> u8 {
    runtime::select! {
        x => x,
    }
}

fn main() {}
