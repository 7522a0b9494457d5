#[runtime::main(driver = "io_uring")]
async fn main() {
    async {}.await;
}
