#[runtime::main(driver = "epoll", event_capacity = 64, driver = "kqueue")]
async fn main() {
    async {}.await;
}
