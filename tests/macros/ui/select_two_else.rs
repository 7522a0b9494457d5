async fn f() -> u8 {
    runtime::select! {
        x = async { 1 } => x,
        else => 2,
        else => 3,
    }
}

fn main() {}
