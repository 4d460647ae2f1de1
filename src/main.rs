//! The `tema` binary: a subcommand, or the app.

use clap::Parser;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::process::ExitCode;
use std::sync::Mutex;
use tema::cli::{Cli, run};

/// The exit code after an internal error (a panic): BSD's EX_SOFTWARE.
const INTERNAL_ERROR: u8 = 70;

/// What the last panic said, for the one line `main` prints.
static PANIC: Mutex<Option<String>> = Mutex::new(None);

fn main() -> ExitCode {
    restore_sigpipe();
    quiet_panics();
    let cli = Cli::parse();
    if let Some(seconds) = cli.wait {
        tema::cli::set_wait(seconds);
    }
    // PDFs are read by this same program in a child process, under time and memory limits.
    // TEMA_PDF_SECONDS and TEMA_PDF_MEMORY_MB change the limits (tests make them small).
    if let Ok(exe) = std::env::current_exe() {
        use tema::import::pdf;
        let number = |name: &str| std::env::var(name).ok().and_then(|s| s.parse::<u64>().ok());
        let time = number("TEMA_PDF_SECONDS").map(std::time::Duration::from_secs).unwrap_or(pdf::TIME_LIMIT);
        let memory = number("TEMA_PDF_MEMORY_MB").map(|mb| mb << 20).unwrap_or(pdf::MEMORY_LIMIT);
        pdf::use_child_process(pdf::ChildLimits { exe, time, memory });
    }
    let app = cli.command.is_none();
    let filter = if app { None } else { TerminalFilter::install() };
    let result = catch_unwind(AssertUnwindSafe(|| match cli.command {
        Some(command) => {
            panic_on_purpose_for_tests();
            run(command)
        }
        None => open_app(),
    }));
    if let Some(filter) = filter {
        filter.finish();
    }
    match result {
        Ok(Ok(())) => ExitCode::SUCCESS,
        Ok(Err(e)) => {
            eprintln!("error: {}", tema::terminal::clean(&format!("{e:#}")));
            ExitCode::FAILURE
        }
        Err(_) => {
            let what = PANIC.lock().ok().and_then(|mut p| p.take()).unwrap_or_else(|| "unknown".into());
            eprintln!(
                "error: Tema stopped on an internal error ({}); nothing acknowledged was lost. Please report it.",
                tema::terminal::clean_line(&what)
            );
            ExitCode::from(INTERNAL_ERROR)
        }
    }
}

/// The variable that makes a command panic on purpose, and the value it must have: the test
/// of how a real panic reaches the user (one line, exit code 70) provokes one from outside
/// the process with it. Long and explicit so that nobody sets it by accident; documented in
/// docs/RELIABILITY.md.
const PANIC_FOR_TESTS: (&str, &str) = ("TEMA_PANIC_ON_PURPOSE_TO_TEST_THE_REPORT", "yes, panic");

fn panic_on_purpose_for_tests() {
    let (name, value) = PANIC_FOR_TESTS;
    if std::env::var(name).is_ok_and(|v| v == value) {
        panic!("a panic on purpose ({name} is set)");
    }
}

/// Replaces Rust's panic message and backtrace by a note of what happened, which `main`
/// prints as one line if the panic reaches it. A panic caught on the way (a damaged file's
/// reader, the search index) prints nothing. `RUST_BACKTRACE` brings the usual output back.
fn quiet_panics() {
    if std::env::var_os("RUST_BACKTRACE").is_some() {
        return;
    }
    std::panic::set_hook(Box::new(|info| {
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        let place = info.location().map(|l| format!(" at {}:{}", l.file(), l.line())).unwrap_or_default();
        if let Ok(mut p) = PANIC.lock() {
            *p = Some(format!("{message}{place}"));
        }
    }));
}

/// On a terminal, a command's output passes through [`tema::terminal::StreamCleaner`]: names
/// and texts come from files other people wrote, and an escape sequence in one must not
/// drive the terminal. Output to a file or a pipe is left exactly as written (it is data, and
/// JSON escapes control characters anyway).
struct TerminalFilter {
    #[cfg(unix)]
    original: std::os::fd::RawFd,
    #[cfg(unix)]
    thread: std::thread::JoinHandle<()>,
}

impl TerminalFilter {
    #[cfg(unix)]
    fn install() -> Option<TerminalFilter> {
        use std::io::{IsTerminal, Read, Write};
        use std::os::fd::FromRawFd;
        if !std::io::stdout().is_terminal() {
            return None;
        }
        let mut fds = [0; 2];
        // SAFETY: plain descriptor calls on descriptors this function owns; on any failure
        // nothing is changed and the output goes unfiltered.
        let original = unsafe {
            if libc::pipe(fds.as_mut_ptr()) != 0 {
                return None;
            }
            let original = libc::dup(1);
            if original < 0 || libc::dup2(fds[1], 1) < 0 {
                libc::close(fds[0]);
                libc::close(fds[1]);
                return None;
            }
            libc::close(fds[1]);
            original
        };
        // SAFETY: both descriptors were just made and are owned by the thread from here on
        // (`original` stays open until the process ends, which is what `finish` needs).
        let (mut from, mut to) =
            unsafe { (std::fs::File::from_raw_fd(fds[0]), std::fs::File::from_raw_fd(libc::dup(original))) };
        let thread = std::thread::spawn(move || {
            let mut cleaner = tema::terminal::StreamCleaner::default();
            let mut buf = vec![0u8; 8192];
            let mut out = Vec::with_capacity(8192);
            while let Ok(n) = from.read(&mut buf) {
                if n == 0 {
                    break;
                }
                out.clear();
                cleaner.push(&buf[..n], &mut out);
                if to.write_all(&out).is_err() {
                    return;
                }
            }
            out.clear();
            cleaner.finish(&mut out);
            let _ = to.write_all(&out);
        });
        Some(TerminalFilter { original, thread })
    }

    #[cfg(not(unix))]
    fn install() -> Option<TerminalFilter> {
        None
    }

    /// Sends what is buffered through the filter and puts the terminal back as standard output.
    fn finish(self) {
        use std::io::Write;
        let _ = std::io::stdout().flush();
        #[cfg(unix)]
        {
            // SAFETY: `original` is a descriptor this process duplicated and still owns;
            // putting it back on 1 closes the pipe's last writer, so the thread sees the end.
            unsafe {
                libc::dup2(self.original, 1);
            }
            let _ = self.thread.join();
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
