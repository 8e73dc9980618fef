//! The `pingshen` binary: parses the command line and hands over to `cli`.

mod cli;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let args = cli::Args::parse();
    match cli::run(args) {
        Ok(code) => code,
        Err(err) => {
            // anyhow's alternate form prints the whole chain of causes on one line.
            eprintln!("错误：{err:#}");
            ExitCode::FAILURE
        }
    }
}
