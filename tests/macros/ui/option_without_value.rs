#[runtime::test(event_capacity)]
async fn capacity() {
    async {}.await;
}

fn main() {}
