#[runtime::main]
async fn main(args: Vec<String>) {
    let ready = async { args.len() }.await;
    println!("{ready}");
}
