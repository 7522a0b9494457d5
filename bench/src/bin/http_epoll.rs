//! HTTP/1.1 hello server, the floor: a hand-written edge-triggered epoll loop (see `bench::epoll`).
fn main() -> std::io::Result<()> {
    bench::epoll::serve(bench::listen_addr(), bench::epoll::Proto::Http)
}
