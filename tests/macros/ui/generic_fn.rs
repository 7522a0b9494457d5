#[runtime::test]
async fn generic<T: Default>() {
    let _value = T::default();
    async {}.await;
}

fn main() {}
