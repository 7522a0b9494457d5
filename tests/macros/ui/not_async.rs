#[runtime::main]
fn main() {
    println!("hello");
}
