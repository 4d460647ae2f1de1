//! The `tema` binary: a subcommand, or the app.

use clap::Parser;
use std::process::ExitCode;
use tema::cli::{Cli, run};

fn main() -> ExitCode {
    restore_sigpipe();
    let cli = Cli::parse();
    let result = match cli.command {
        Some(command) => run(command),
        None => open_app(),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// With no subcommand, `tema` opens the app; a build without the app prints the help.
#[cfg(feature = "app")]
fn open_app() -> anyhow::Result<()> {
    tema::ui::run(None)
}

#[cfg(not(feature = "app"))]
fn open_app() -> anyhow::Result<()> {
    use clap::CommandFactory;
    Cli::command().print_help()?;
    anyhow::bail!("this tema was built without the app (cargo feature `app`): give a subcommand")
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
