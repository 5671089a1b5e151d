//! The `sathach` command: parses the command line and hands over to the library.

/// mimalloc instead of the system allocator: under an exam day's load glibc's malloc took
/// about 14 % of the server's processor (consolidating and splitting free chunks across
/// threads), and kept more memory resident per candidate.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    sathach::cli::main()
}
