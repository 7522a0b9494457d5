#[runtime::main]
const fn main() {}
