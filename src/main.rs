//! The `ledgerline` command: parses the arguments and hands them to [`cli`], which has one
//! module per command group.

mod cli;

use clap::Parser;

fn main() -> std::process::ExitCode {
    let args = cli::Cli::parse();
    match cli::run(args) {
        Ok(code) => code,
        Err(err) => {
            // One line, the whole cause chain: what failed and what to do.
            eprintln!("error: {err:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
