#[runtime::test(start_paused = "yes")]
async fn paused() {
    async {}.await;
}

fn main() {}
