#[runtime::test]
#[test]
async fn twice() {
    async {}.await;
}

fn main() {}
