async fn f() {
    runtime::select! {}
}

fn main() {}
