//! The `pingshen` binary: parses the command line and hands over to `cli`.

mod cli;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    ignore_file_size_signal();
    quiet_expected_panics();
    let args = cli::Args::parse();
    match cli::run(args) {
        Ok(code) => code,
        // The reader of our output went away (`pingshen list | head -1`): like `ls`,
        // stop quietly; everything it wanted was written.
        Err(err) if cli::output::is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            // anyhow's alternate form prints the whole chain of causes on one line.
            cli::output::stderr(&format!("错误：{err:#}\n"));
            if let Some(hint) = cli::hint_for(&err) {
                cli::output::stderr(&format!("提示：{hint}\n"));
            }
            ExitCode::FAILURE
        }
    }
}

/// Under `ulimit -f` a write past the limit would kill the process with SIGXFSZ and
/// no message. Ignored, the write fails with "File too large" instead, and the file
/// is named in the message.
fn ignore_file_size_signal() {
    #[cfg(unix)]
    // SAFETY: setting a signal's disposition to SIG_IGN at start, before any thread
    // exists, has no preconditions.
    unsafe {
        libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
    }
}

/// sled 0.34 panics on some damaged files; the store catches that panic and reports
/// the database as damaged. This hook, installed once, keeps the panic's own message
/// off the screen in that case only; every other panic is reported as usual.
fn quiet_expected_panics() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if !pingshen::store::panic_is_expected() {
            default(info);
        }
    }));
}
