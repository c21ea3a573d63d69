// Rust sample: rustc's x86_64-pc-windows-gnu target (Debian's
// libstd-rust-dev-windows), linked by MinGW-w64 GCC.
use std::env;

fn main() {
    let args: Vec<String> = env::args().skip(1).collect();
    println!("filerep Rust sample, {} argument(s)", args.len());
    if let Some(first) = args.first() {
        let n: u32 = first.parse().unwrap_or(0);
        println!("first as a number: {}", n);
    }
}
