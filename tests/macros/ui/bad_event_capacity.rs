#[runtime::test(event_capacity = "x")]
async fn capacity() {
    async {}.await;
}

fn main() {}
