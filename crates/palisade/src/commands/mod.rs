//! One module per command.

pub(crate) mod audit;
pub(crate) mod check;
pub(crate) mod explain;
pub(crate) mod init;
pub(crate) mod install;
pub(crate) mod output;
pub(crate) mod rbac;
mod report_file;
pub(crate) mod rules;
pub(crate) mod scan;
pub(crate) mod serve;

/// Nothing at or above the failure threshold was found.
pub(crate) const EXIT_CLEAN: u8 = 0;
/// Findings at or above the failure threshold.
pub(crate) const EXIT_FINDINGS: u8 = 1;
/// Usage error, or an input that could not be read or parsed.
pub(crate) const EXIT_ERROR: u8 = 2;

/// Writes to stdout, reporting a closed pipe as an error the caller can recognise.
pub(crate) fn write_stdout(text: &str) -> std::io::Result<()> {
    use std::io::Write as _;
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(text.as_bytes())?;
    stdout.flush()
}

/// Whether an error comes from a reader that closed the pipe (`palisade scan . | head`).
pub(crate) fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error
        .chain()
        .filter_map(|e| e.downcast_ref::<std::io::Error>())
        .any(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
}
