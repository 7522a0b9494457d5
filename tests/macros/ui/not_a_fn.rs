#[runtime::main]
struct Server {
    port: u16,
}

fn main() {
    let server = Server { port: 8080 };
    assert_eq!(server.port, 8080);
}
