//! `#[runtime::main]` on methods and on functions with arguments, as tokio
//! accepts them (tokio issue 3766): only a function named `main` must take
//! no arguments.

struct Server {
    port: u16,
}

impl Server {
    #[runtime::main]
    async fn run(self) -> u16 {
        runtime::task::yield_now().await;
        self.port
    }

    #[runtime::main(start_paused = true)]
    async fn by_ref(&self, extra: u16) -> u16 {
        runtime::time::sleep(runtime::time::Duration::from_secs(60)).await;
        self.port + extra
    }

    #[runtime::main]
    async fn by_mut(&mut self) {
        self.port = runtime::spawn(async { 7 }).await.unwrap();
    }
}

#[runtime::main]
async fn helper(a: u32, b: u32) -> u32 {
    async { a + b }.await
}

// Compiling is the test, with the signatures each expansion keeps. The
// calls run in `tests/macros/methods.rs`, on each driver: this binary is
// built without the test-only kqueue features that `RUNTIME_DRIVER` may ask for.
fn main() {
    let _: fn(Server) -> u16 = Server::run;
    let _: fn(&Server, u16) -> u16 = Server::by_ref;
    let _: fn(&mut Server) = Server::by_mut;
    let _: fn(u32, u32) -> u32 = helper;
}
