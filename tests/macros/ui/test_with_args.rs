#[runtime::test]
async fn adds(n: u32) {
    assert_eq!(async { n + n }.await, 2 * n);
}

fn main() {}
