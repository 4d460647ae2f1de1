//! The `tema` binary: a subcommand, or the app.

use clap::Parser;
use std::process::ExitCode;
use tema::cli::{Cli, run};

fn main() -> ExitCode {
    restore_sigpipe();
    let cli = Cli::parse();
    let result = match cli.command {
        Some(command) => run(command),
        None => tema::ui::run(None),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// Rust ignores SIGPIPE, which turns `tema docs DIR | head` into a panic when `head` closes
/// the pipe. A command-line tool should simply stop, as every Unix tool does.
#[cfg(unix)]
fn restore_sigpipe() {
    // SAFETY: setting a signal's disposition to the default at start-up, before any thread
    // exists, has no preconditions.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

#[cfg(not(unix))]
fn restore_sigpipe() {}
