#[runtime::main(foo = 1)]
async fn main() {
    async {}.await;
}
